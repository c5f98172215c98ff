"""Small helpers shared by the chapter scripts: seeding, run directories, result records."""
import json
import os
import platform
import time

from common.np import GPU, seed


def add_common_args(parser, out_dir):
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")
    parser.add_argument("--out-dir", default=out_dir, help="where checkpoints, plots and results go (default: %(default)s)")
    return parser


def setup_run(args):
    """Seed everything and create the output directory."""
    seed(args.seed)
    os.makedirs(args.out_dir, exist_ok=True)
    return args.out_dir


def machine():
    return "%s, %d CPU cores, %s" % (platform.processor() or platform.machine(), os.cpu_count(),
                                     "CuPy GPU" if GPU else "NumPy CPU")


def write_result(out_dir, name, record):
    """Append the run's parameters and measurements to ``out_dir/name.json``."""
    record = dict(record, machine=machine(), finished=time.strftime("%Y-%m-%d %H:%M:%S"))
    path = os.path.join(out_dir, name + ".json")
    with open(path, "w") as f:
        json.dump(record, f, indent=2, default=float)
    print("wrote %s" % path)
    return path
