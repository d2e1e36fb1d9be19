#!/usr/bin/env python3
"""When music is heard again, read off the audio a restarted daemon records.

    audible.py WAV SINCE_EPOCH_S [THRESHOLD_DBFS] [TIMEOUT_S]

WAV is the file output (audio.output: file) of a daemon that has just been
started: a float WAV that its file sink writes in real time, one period ahead
of the clock, as a device fills its buffer. Frame k of it is heard at t0 + k /
rate, t0 being the moment the sink's first period was written (the file has
data from then on). This polls the file every 2 ms, notes t0, finds the first
frame louder than THRESHOLD_DBFS (default -60) on any channel and prints the
milliseconds from SINCE_EPOCH_S (a kill -9, in seconds since the epoch) to the
moment that frame is heard, and from SINCE to t0 (the output back at all):
"audible_ms=... output_ms=...". Exit 1 when nothing is heard within TIMEOUT_S.
"""
import os
import struct
import sys
import time


def layout(head):
    """(rate, channels, data offset) of a float WAV header, or None while it is incomplete."""
    if len(head) < 12 or head[0:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    at, rate, channels = 12, None, None
    while at + 8 <= len(head):
        tag, size = head[at:at + 4], struct.unpack("<I", head[at + 4:at + 8])[0]
        if tag == b"fmt ":
            if at + 16 > len(head):
                return None
            channels, rate = struct.unpack("<HI", head[at + 10:at + 16])
        if tag == b"data":
            return (rate, channels, at + 8) if rate else None
        at += 8 + size + (size & 1)
    return None


def main():
    path, since = sys.argv[1], float(sys.argv[2])
    threshold = 10 ** (float(sys.argv[3]) / 20) if len(sys.argv) > 3 else 1e-3
    deadline = time.time() + (float(sys.argv[4]) if len(sys.argv) > 4 else 20.0)
    t0, fmt, checked = None, None, 0
    while time.time() < deadline:
        try:
            with open(path, "rb") as f:
                head = f.read(4096)
                fmt = fmt or layout(head)
                if fmt is None:
                    time.sleep(0.002)
                    continue
                rate, channels, offset = fmt
                frame = 4 * channels
                size = os.fstat(f.fileno()).st_size
                frames = (size - offset) // frame
                if frames > 0 and t0 is None:
                    t0 = time.time()
                if frames > checked:
                    f.seek(offset + checked * frame)
                    data = f.read((frames - checked) * frame)
                    samples = struct.unpack("<%df" % (len(data) // 4), data[: len(data) // 4 * 4])
                    for i, x in enumerate(samples):
                        if abs(x) > threshold:
                            k = checked + i // channels
                            heard = t0 + k / rate
                            print("audible_ms=%.0f output_ms=%.0f" % ((heard - since) * 1000, (t0 - since) * 1000))
                            return 0
                    checked = frames
        except FileNotFoundError:
            pass
        time.sleep(0.002)
    print("audible_ms=none output_ms=%s" % ("none" if t0 is None else "%.0f" % ((t0 - since) * 1000)))
    return 1


if __name__ == "__main__":
    sys.exit(main())
