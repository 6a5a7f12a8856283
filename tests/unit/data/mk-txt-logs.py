#!/usr/bin/env python3
"""Test-data generator (not product code): re-encode the events of the real TCG log
intel-tboot-tpm2-tcg-heap.bin (every event carries sha1 and sha256 digests) as a TPM 1.2
"TXT Event Container" and as Intel legacy per-bank TPM 2.0 logs, so that the other two
parsers can be checked against the PCR values tpm2_eventlog prints for the original.
Written independently of aem's parsers: it walks the TCG format itself."""
import struct, sys

def tcg_events(b):
    off = 0
    pcr, typ = struct.unpack_from('<II', b, off); off += 8 + 20
    size, = struct.unpack_from('<I', b, off); off += 4
    hdr = b[off:off + size]; off += size
    n, = struct.unpack_from('<I', hdr, 24)
    sizes = {}
    for i in range(n):
        alg, sz = struct.unpack_from('<HH', hdr, 28 + 4 * i)
        sizes[alg] = sz
    out = []
    while off < len(b):
        pcr, typ, cnt = struct.unpack_from('<III', b, off); off += 12
        dig = {}
        for _ in range(cnt):
            alg, = struct.unpack_from('<H', b, off); off += 2
            dig[alg] = b[off:off + sizes[alg]]; off += sizes[alg]
        size, = struct.unpack_from('<I', b, off); off += 4
        out.append((pcr, typ, dig, b[off:off + size])); off += size
    return out

def record(pcr, typ, digest, data):
    return struct.pack('<II', pcr, typ) + digest + struct.pack('<I', len(data)) + data

def container(events):
    body = b''.join(record(p, t, d[0x4], data) for p, t, d, data in events)
    hdr = b'TXT Event Container\0' + bytes(12) + bytes([1, 0, 1, 0])
    hdr += struct.pack('<III', 20 * 1024, 48, 48 + len(body))
    return hdr + body

def legacy(events, alg, digest_id):
    out = b''
    if alg != 0x4:
        descr = b'TXT Event Log\0\0\0' + struct.pack('<III', 1, digest_id, 32)
        out += record(0, 3, bytes(20), descr)
    return out + b''.join(record(p, t, d[alg], data) for p, t, d, data in events)

src = open(sys.argv[1], 'rb').read()
ev = tcg_events(src)
open('txt-tpm12-container.bin', 'wb').write(container(ev))
open('txt-tpm2-legacy-sha1.bin', 'wb').write(legacy(ev, 0x4, 1))
open('txt-tpm2-legacy-sha256.bin', 'wb').write(legacy(ev, 0xb, 2))

# Event 1 (SINIT's HASH_START into PCR 17) marked as never extended, twice: PCR index 255
# and EV_NO_ACTION; and the same log with event 1 removed, which tpm2_eventlog replays.
first = 32 + 37                      # the Spec ID header record is 69 bytes long
length = 12 + 2 + 20 + 2 + 32 + 4 + 36  # event 1: 3 words, 2 digests, size, 36 data bytes
b = bytearray(src)
struct.pack_into('<I', b, first, 255)
open('txt-tcg-pcr255.bin', 'wb').write(b)
b = bytearray(src)
struct.pack_into('<I', b, first + 4, 3)
open('txt-tcg-noaction.bin', 'wb').write(b)
open('txt-tcg-without-ev1.bin', 'wb').write(src[:first] + src[first + length:])
