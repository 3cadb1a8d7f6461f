"""``talkingphoto voices [--lang zh] [--json]``: the built-in voices available offline."""

import json

from ..voice import list_voices


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "voices",
        help="list the built-in text-to-speech voices",
        description="List the voices that read --text offline: espeak-ng (always) and Piper (with the neural extra).",
    )
    p.add_argument("--lang", help="only voices for this language, e.g. zh, en, en-gb, ja")
    p.add_argument("--json", action="store_true", help="print a JSON list of voice objects")
    p.add_argument("--variants", action="store_true", help="list espeak-ng variants for NAME+VARIANT (e.g. en-us+f3)")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.variants:
        from ..voice import espeak_variants

        variants = list(espeak_variants())
        print(json.dumps(variants, ensure_ascii=False) if args.json else "\n".join(variants))
        return 0
    voices = list_voices(lang=args.lang)
    if args.json:
        print(json.dumps([v.to_dict() for v in voices], ensure_ascii=False, indent=1))
        return 0
    rows = [("NAME", "LANGUAGE", "ENGINE", "GENDER", "RATE", "DESCRIPTION")]
    rows += [(v.name, v.language, v.engine, v.gender or "-", f"{v.sample_rate} Hz", v.title) for v in voices]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row[:5], widths)) + "  " + row[5])
    print(f"{len(voices)} voices; use one with --voice NAME (espeak-ng voices also take NAME+VARIANT)")
    return 0
