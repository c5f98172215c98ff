"""Print the spiral data shapes and save a scatter plot (book figure 1-31).

    python -m ch01.show_spiral_dataset --out spiral.png
"""
from common.cli import main_guard, parser
from common.plot import new_figure, save_figure
from dataset import spiral


def main(argv=None):
    p = parser("ch01.show_spiral_dataset", __doc__)
    p.add_argument("--out", default="runs/ch01/spiral.png", help="image file to write")
    args = p.parse_args(argv)
    x, t = spiral.load_data()
    print("x", x.shape)
    print("t", t.shape)
    fig, ax = new_figure(figsize=(5, 5))
    for c, marker in zip(range(3), "ox^"):
        pts = x[t.argmax(axis=1) == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=40, marker=marker)
    if not args.dry_run:
        save_figure(fig, args.out)


if __name__ == "__main__":
    main_guard(main)
