#!/usr/bin/env python3
"""Write an indicator list (--ioc) of N random domain names, for measuring
load time, memory and matching cost with a feed-sized list.

Names look like feed entries: one to three labels of 5 to 14 letters and
digits under a common or random TLD, a tenth of them "*." entries, and a
label (feed name) on a third of the lines.  None is a name the benchmark
capture uses, so the measured cost is that of looking up, not of alerting.
Same arguments, same bytes: the seed is fixed.
"""
import argparse
import random

TLDS = ["com", "net", "org", "info", "ru", "cn", "top", "xyz", "biz", "io", "co.uk", "de"]
CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("count", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=10)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    with open(a.out, "w") as f:
        f.write("# %d generated indicators (tests/bench/genioc.py)\n" % a.count)
        for i in range(a.count):
            labels = ["".join(rnd.choice(CHARS) for _ in range(rnd.randint(5, 14)))
                      for _ in range(rnd.randint(1, 3))]
            # a serial in the name keeps every line distinct
            name = "%s%x.%s" % (".".join(labels), i, rnd.choice(TLDS))
            if rnd.random() < 0.1:
                name = "*." + name
            if rnd.random() < 0.33:
                name += "\tfeed%d" % rnd.randint(1, 20)
            f.write(name + "\n")


if __name__ == "__main__":
    main()
