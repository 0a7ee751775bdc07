"""Summarises collapsed stacks (async-profiler -o collapsed): share of samples by layer, where a
sample is charged to the kernel if its leaf is a kernel frame, else to the innermost frame of a known
library (JDK frames count for their caller), else to the JVM itself (JIT compiler, GC); then the
mistyproxy frames that are innermost most often."""
import collections
import sys

LAYERS = (('org/mistyproxy', 'mistyproxy'), ('io/undertow', 'undertow'), ('org/xnio', 'xnio'),
          ('org/glassfish', 'tyrus/grizzly'), ('com/fasterxml', 'jackson'), ('ch/qos/logback', 'logback'),
          ('io/micrometer', 'micrometer'), ('org/slf4j', 'slf4j'))


def layer(frames):
    if frames[-1].endswith('_[k]'):
        return 'kernel'
    for f in reversed(frames):
        for prefix, name in LAYERS:
            if f.startswith(prefix):
                return name
    return 'jvm (jit, gc) and other native'


def main(path):
    total = 0
    layers = collections.Counter()
    ours = collections.Counter()
    for line in open(path):
        stack, _, n = line.rstrip().rpartition(' ')
        n = int(n)
        total += n
        frames = [f.split('(')[0] for f in stack.split(';')]
        name = layer(frames)
        layers[name] += n
        if name == 'mistyproxy':
            ours[next(f for f in reversed(frames) if f.startswith('org/mistyproxy'))] += n
    print(f"{total} samples, by layer:")
    for k, v in layers.most_common():
        print(f"  {v * 100 / total:5.1f}% {k}")
    print("hottest mistyproxy frames (with the JDK code they call):")
    for k, v in ours.most_common(12):
        print(f"  {v * 100 / total:5.1f}% {k}")


if __name__ == '__main__':
    main(sys.argv[1])
