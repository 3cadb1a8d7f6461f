"""The studio: a local web app to make pictures talk, with a persistent render queue.

Needs the web extra (``pip install 'talkingphoto[web]'``); ``talkingphoto serve`` runs it.
"""

from ._app import create_app
from ._guard import is_loopback
from ._uploads import UploadLimits

__all__ = ["UploadLimits", "create_app", "is_loopback"]
