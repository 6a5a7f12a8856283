#!/usr/bin/env python3
"""Test-data generator (not product code): TrenchBoot event logs in the formats no
published real log covers, written byte by byte from the layouts of TrenchBoot's SKL
(event_log.c: TCG 1.2 "Spec ID Event00" header whose vendorInfo is a TXT Event Container
header; TCG2 "Spec ID Event03" header) and Intel's TXT container, without aem's parsers.
Expected PCR values are replayed here with hashlib (extend from zero, EV_NO_ACTION
skipped) and printed; tests/unit/test_evlog.c holds them as constants.

  tb-amd-tpm12-a1.bin      the real A1 log's events (tb-amd-xen-v0.5.3-rc1.bin), SHA-1
                           digests, in SKL's TPM 1.2 format: must replay to the SHA-1 PCR
                           values published for A1
  tb-amd-tpm12-mb2.bin     AMD TPM 1.2, v0.4 multiboot2 order: SKINIT, DLME entry offset,
                           DLME, one unlabelled PCR 18 record (the MBI), two MB2 modules
  tb-intel-tcg-mb2.bin     Intel TPM 2.0, SINIT's header (vendorInfoSize 0): SINIT's
                           events of intel-tboot-tpm2-tcg-heap.bin, then Xen's v0.5
                           multiboot2 events: MBI, SLRT info (both unlabelled), OS-MLE
                           data, two MB2 modules
  tb-intel-tpm12-v0.2.bin  TXT Event Container with aem_v0.2's types 0x600-0x602
"""
import hashlib, struct

SLAUNCH = 0x502


def h(alg, b):
    return hashlib.new(alg, b).digest()


def tcg_events(b):
    off = 32
    size, = struct.unpack_from('<I', b, 28)
    hdr = b[off:off + size]; off += size
    n, = struct.unpack_from('<I', hdr, 24)
    sizes = dict(struct.unpack_from('<HH', hdr, 28 + 4 * i) for i in range(n))
    out = []
    while off < len(b) and any(b[off:]):
        pcr, typ, cnt = struct.unpack_from('<III', b, off); off += 12
        dig = {}
        for _ in range(cnt):
            alg, = struct.unpack_from('<H', b, off); off += 2
            dig[alg] = b[off:off + sizes[alg]]; off += sizes[alg]
        size, = struct.unpack_from('<I', b, off); off += 4
        out.append((pcr, typ, dig, b[off:off + size])); off += size
    return out


def rec12(pcr, typ, sha1, data):
    return struct.pack('<II', pcr, typ) + sha1 + struct.pack('<I', len(data)) + data


def container_hdr(size, body_len):
    return (b'TXT Event Container\0' + bytes(12) + bytes([1, 0, 1, 0]) +
            struct.pack('<III', size, 48, 48 + body_len))


def skl_tpm12(events):
    """SKL's TPM 1.2 log: header record, Spec ID Event00 + vendorInfo = container header."""
    body = b''.join(rec12(p, t, d[0x4], data) for p, t, d, data in events)
    spec = (b'Spec ID Event00\0' + struct.pack('<I', 0) + bytes([2, 1, 1, 0]) +
            bytes([48]) + container_hdr(0x8000, len(body)))
    return rec12(0, 3, bytes(20), spec) + body


def tcg2(events, vendor=b'', uintn=1):
    spec = (b'Spec ID Event03\0' + struct.pack('<I', 0) + bytes([0, 2, 0, uintn]) +
            struct.pack('<IHHHH', 2, 0x4, 20, 0xb, 32) + bytes([len(vendor)]) + vendor)
    out = rec12(0, 3, bytes(20), spec)
    for p, t, d, data in events:
        out += struct.pack('<III', p, t, len(d))
        for alg in sorted(d):
            out += struct.pack('<H', alg) + d[alg]
        out += struct.pack('<I', len(data)) + data
    return out


def measured(pcr, label, content):
    """A TrenchBoot event: digest of content, the label as event data."""
    return (pcr, SLAUNCH, {0x4: h('sha1', content), 0xb: h('sha256', content)}, label)


def replay(events, alg, name):
    pcrs = {}
    for p, t, d, data in events:
        if t == 3 or p > 23 or alg not in d:
            continue
        v = pcrs.get(p, bytes(len(d[alg])))
        pcrs[p] = h(name, v + d[alg])
    return {p: v.hex() for p, v in sorted(pcrs.items())}


def write(name, blob, events):
    open(name, 'wb').write(blob)
    print(name, len(blob), 'bytes,', len(events), 'events')
    for alg, hn in ((0x4, 'sha1'), (0xb, 'sha256')):
        if any(alg in e[2] for e in events):
            for p, v in replay(events, alg, hn).items():
                print('  %s PCR %d: %s' % (hn, p, v))


a1 = tcg_events(open('tb-amd-xen-v0.5.3-rc1.bin', 'rb').read())
write('tb-amd-tpm12-a1.bin', skl_tpm12(a1), a1)

mb2 = [measured(17, b'SKINIT', b'skl image bytes'),
       measured(17, b'DLME entry offset', struct.pack('<I', 0x1b5442)),
       measured(17, b'DLME', b'xen image bytes'),
       measured(18, b'', b'multiboot2 information'),
       measured(17, b'Measured MB2 module', b'vmlinuz bytes'),
       measured(17, b'Measured MB2 module', b'initramfs bytes')]
mb2_12 = [(p, t, {0x4: d[0x4]}, data) for p, t, d, data in mb2]
write('tb-amd-tpm12-mb2.bin', skl_tpm12(mb2_12), mb2_12)

sinit = [e for e in tcg_events(open('intel-tboot-tpm2-tcg-heap.bin', 'rb').read())
         if 0x400 <= e[1] <= 0x4ff]
xen = [measured(18, b'', b'multiboot2 information'),
       measured(18, b'', b'slrt intel info'),
       measured(18, b'Measured TXT OS-MLE data', bytes(96)),
       measured(17, b'Measured MB2 module', b'vmlinuz bytes'),
       measured(17, b'Measured MB2 module', b'initramfs bytes')]
write('tb-intel-tcg-mb2.bin', tcg2(sinit + xen), sinit + xen)

old = [(18, 0x600, {0x4: h('sha1', b'multiboot2 information')}, b''),
       (17, 0x601, {0x4: h('sha1', b'vmlinuz bytes')}, b''),
       (17, 0x602, {0x4: h('sha1', b'initramfs bytes')}, b'')]
body = b''.join(rec12(p, t, d[0x4], data) for p, t, d, data in old)
write('tb-intel-tpm12-v0.2.bin', container_hdr(20 * 1024, len(body)) + body, old)
