#!/bin/sh
# Build the corpus and train the mouth models, offline and with fixed seeds:
#   sh training/run.sh            (python from PYTHON, default the project's .venv)
# Needs, for training only, Debian's festival and its voices and Rubber Band's command line tool
# (not runtime dependencies):
#   apt-get install festival festvox-kallpc16k festvox-kdlpc16k festvox-itapc16k festvox-italp16k \
#       festvox-ru festvox-czech-dita festvox-czech-krb festvox-czech-machac festvox-czech-ph \
#       festvox-suopuhe-lj festvox-suopuhe-mv rubberband-cli
# The recordings' packages (Asterisk sounds and prompts, pocketsphinx-testdata, klettres-data,
# ktuberling-data, tuxpaint-stamps-default, fillets-ng-data*) and the music (asterisk-moh-opsound-wav,
# hedgewars-data; for the song voice mask also extremetuxracer-data, lincity-ng-data, xmoto-data) are
# fetched by the corpus itself (apt-get download into training/cache).
# Stage 1 trains on synthetic speech, singing and real English; it then aligns the real
# Spanish, French, Italian and Russian prompts. The two shipped models train from scratch
# on everything but Festival's voices, side by side on one core each: the streaming one
# (60 ms output delay, 77.5 ms lookahead) and the offline one (200 ms delay); then both are
# fine-tuned with Festival's real diphones added (round 4), then with KDE's and two more Asterisk
# voices' real recordings added (round 6: mouth_model.npz, and mouth_stream_2.npz). Round 7 trains
# a second pair from scratch on all of it at once (mouth_model_2.npz, and mouth_stream.npz: the
# live model). Round 9 fine-tunes all four with voiceless music added (a song's intro and solos
# keep the mouth shut), round 10 again with Tux Paint's spoken stamp descriptions added (real
# voices in 13 languages), round 12 with voices singing added (recordings whose vowels Rubber
# Band holds on a new pitch). Recordings are analysed with the four averaged. Last, closure
# thresholds and rounding gains come from the development recordings (training/dev.py): the
# four's in the offline file (it leads them), each other file's for itself alone.
set -e
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD/src:$PWD"
PY="${PYTHON:-.venv/bin/python}"
DATA=src/talkingphoto/data
ROUND2="espeak piper singing asterisk-en pocketsphinx-testdata asterisk-es asterisk-fr asterisk-it asterisk-ru"
ROUND4="$ROUND2 festival"
nice -n 10 "$PY" -m training.corpus base
nice -n 10 "$PY" -m training.train --out training/cache/stage1.npz --steps 1500 --batch 24 \
    --sources espeak piper singing asterisk-en pocketsphinx-testdata
nice -n 10 "$PY" -m training.corpus aligned --model training/cache/stage1.npz
export XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
nice -n 10 "$PY" -m training.train --out $DATA/mouth_stream.npz --steps 3500 --batch 32 --delay 3 --seed 1 \
    --sources $ROUND2 > training/cache/stream.log 2>&1 &
STREAM=$!
nice -n 10 "$PY" -m training.train --out $DATA/mouth_model.npz --steps 3500 --batch 32 --delay 10 --seed 2 \
    --sources $ROUND2 > training/cache/offline.log 2>&1 &
OFFLINE=$!
wait $STREAM
wait $OFFLINE
nice -n 10 "$PY" -m training.train --out $DATA/mouth_stream.npz --init $DATA/mouth_stream.npz --steps 1200 --lr 1e-3 \
    --batch 32 --delay 3 --seed 1 --sources $ROUND4 > training/cache/stream-festival.log 2>&1 &
STREAM=$!
nice -n 10 "$PY" -m training.train --out $DATA/mouth_model.npz --init $DATA/mouth_model.npz --steps 1200 --lr 1e-3 \
    --batch 32 --delay 10 --seed 2 --sources $ROUND4 > training/cache/offline-festival.log 2>&1 &
OFFLINE=$!
wait $STREAM
wait $OFFLINE
nice -n 10 "$PY" -m training.train --out $DATA/mouth_stream.npz --init $DATA/mouth_stream.npz --steps 1200 --lr 1e-3 \
    --batch 32 --delay 3 --seed 1 --sources $ROUND4 kde prompts > training/cache/stream-kde.log 2>&1 &
STREAM=$!
nice -n 10 "$PY" -m training.train --out $DATA/mouth_model.npz --init $DATA/mouth_model.npz --steps 1200 --lr 1e-3 \
    --batch 32 --delay 10 --seed 2 --sources $ROUND4 kde prompts > training/cache/offline-kde.log 2>&1 &
OFFLINE=$!
wait $STREAM
wait $OFFLINE
mv $DATA/mouth_stream.npz $DATA/mouth_stream_2.npz
nice -n 10 "$PY" -m training.train --out $DATA/mouth_stream.npz --steps 3500 --batch 32 --delay 3 --seed 1 \
    --sources $ROUND4 kde prompts > training/cache/stream-r7.log 2>&1 &
STREAM=$!
nice -n 10 "$PY" -m training.train --out $DATA/mouth_model_2.npz --steps 3500 --batch 32 --delay 10 --seed 2 \
    --sources $ROUND4 kde prompts > training/cache/offline-r7.log 2>&1 &
OFFLINE=$!
wait $STREAM
wait $OFFLINE
# finetune TAG FILE DELAY SEED SOURCES...: fine-tune one model from its weights, in the
# background (its log: training/cache/TAG-FILE.log), with the source weights SHARE overrides.
finetune() {
    tag=$1 file=$2 delay=$3 seed=$4
    shift 4
    nice -n 10 "$PY" -m training.train --out $DATA/$file --init $DATA/$file --steps 800 --lr 1e-3 --batch 32 \
        --delay $delay --seed $seed $SHARE --sources "$@" > training/cache/$tag-$file.log 2>&1 &
}
# Round 9: all four fine-tuned with game music that has no voice in it (labelled silence) added;
# round 10 again with Tux Paint's spoken stamp descriptions (real voices, 13 languages). A pair
# at a time, one core each. Round 12 again with recorded and neural voices singing (their
# vowels held, their pitch moved), and the voiceless music weighing 0.12 instead of 0.08
# (the sung notes alone opened the mouth to more of it).
ROUND9="$ROUND4 kde prompts instrumental"
SHARE=""
for round in "r9:$ROUND9" "r10:$ROUND9 tuxpaint" "r12:$ROUND9 tuxpaint sung"; do
    tag=${round%%:*} sources=${round#*:}
    [ "$tag" = r12 ] && SHARE="--share instrumental=0.12"
    for pair in "mouth_model.npz mouth_stream_2.npz" "mouth_model_2.npz mouth_stream.npz"; do
        set -- $pair
        finetune $tag $1 10 2 $sources
        FIRST=$!
        finetune $tag $2 3 1 $sources
        SECOND=$!
        wait $FIRST
        wait $SECOND
    done
done
OMP_NUM_THREADS=1 nice -n 10 "$PY" -m training.dev $DATA/mouth_model.npz $DATA/mouth_stream.npz \
    $DATA/mouth_model_2.npz $DATA/mouth_stream_2.npz --write
# The song voice mask (talkingphoto/data/voice_mask.npz): 1000 made-up songs in four files, two
# at a time (about 25 min), then 6000 steps on one core (about 13 min).
MASK=training/cache/mask
mkdir -p $MASK
for seeds in "1 3" "2 4"; do
    set -- $seeds
    (for seed in "$@"; do
        nice -n 10 "$PY" -m training.voice_mask songs --out $MASK/songs-$seed.npz --n 250 --seed $seed
    done) > $MASK/songs-$1.log 2>&1 &
done
wait
nice -n 10 "$PY" -m training.voice_mask train --out $DATA/voice_mask.npz --steps 6000 $MASK/songs-1.npz \
    $MASK/songs-2.npz $MASK/songs-3.npz $MASK/songs-4.npz
