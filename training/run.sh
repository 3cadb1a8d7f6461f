#!/bin/sh
# Build the corpus and train the mouth model, offline and with fixed seeds:
#   sh training/run.sh            (python from PYTHON, default the project's .venv)
# Stage 1 trains on synthetic speech, singing and real English; stage 2 uses that model
# to align the real Spanish, French, Italian and Russian prompts, then fine-tunes on all.
set -e
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD/src:$PWD"
PY="${PYTHON:-.venv/bin/python}"
nice -n 10 "$PY" -m training.corpus base
nice -n 10 "$PY" -m training.train --out training/cache/stage1.npz --steps 1500 --batch 24
nice -n 10 "$PY" -m training.corpus aligned --model training/cache/stage1.npz
nice -n 10 "$PY" -m training.train --init training/cache/stage1.npz --out src/talkingphoto/data/mouth_model.npz \
    --steps 600 --batch 24 --lr 1e-3 --seed 1
