"""``python -m training.corpus aligned --model``: several models align with their mean."""

from training import align, corpus, sources


def test_aligned_hands_every_model_given_to_the_aligner_in_order(monkeypatch, tmp_path):
    handed = []
    monkeypatch.setattr(sources, "fetch_packages", lambda cache: tmp_path)
    monkeypatch.setattr(corpus, "load_music", lambda root: [])
    monkeypatch.setattr(corpus, "build", lambda groups, **options: None)
    monkeypatch.setattr(align, "load_training_model", lambda path: f"loaded {path}")
    monkeypatch.setattr(sources, "kde_items", lambda root, *, model: handed.append(model) or [])
    corpus.main(["aligned", "--model", "a.npz", "b.npz", "--sources", "kde"])
    # learned_mouth averages a sequence of models (the first one's rounding gain applies).
    assert handed == [("loaded a.npz", "loaded b.npz")]
