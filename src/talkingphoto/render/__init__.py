"""Warping and compositing: posing faces in the still picture, frame by frame."""

from ._animator import FaceAnimator, HeadPose
from ._rig import FaceTooSmallError, Pose
from ._shapes import MouthShapes, mouth_shapes
from ._stage import BodyPose, StageAnimator, background_plate, stage_matrices
from ._warp import piecewise_affine_maps, remap

__all__ = ["FaceAnimator", "FaceTooSmallError", "HeadPose", "Pose", "MouthShapes", "mouth_shapes", "piecewise_affine_maps", "remap"]
__all__ += ["BodyPose", "StageAnimator", "background_plate", "stage_matrices"]
