"""End to end: the chapter 1 script trains the spiral net past 95% accuracy and writes its plots."""
import json

from ch01 import train


def test_spiral_training_reaches_95_percent(tmp_path):
    acc = train.main(["--epochs", "300", "--out-dir", str(tmp_path)])
    assert acc >= 0.95
    assert (tmp_path / "loss.png").stat().st_size > 1000
    assert (tmp_path / "decision_boundary.png").stat().st_size > 1000
    result = json.loads((tmp_path / "record.jsonl").read_text().splitlines()[-1])
    assert result["kind"] == "result" and result["train_accuracy"] == acc
