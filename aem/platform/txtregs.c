/* TXT public space decoding (see txtregs.h). */
#include "txtregs.h"
#include "err.h"

#include <stdio.h>
#include <string.h>

static uint64_t le64_at(const uint8_t *buf, size_t off)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)buf[off + i] << (8 * i);
	return v;
}

int aem_txt_parse(const uint8_t *buf, size_t len, struct aem_txt_regs *r)
{
	memset(r, 0, sizeof(*r));
	if (!buf || len < AEM_TXT_E2STS + 8)
		return AEM_E_FORMAT;
	r->sts = le64_at(buf, AEM_TXT_STS);
	r->ests = le64_at(buf, AEM_TXT_ESTS);
	r->errorcode = le64_at(buf, AEM_TXT_ERRORCODE);
	r->ver_fsbif = le64_at(buf, AEM_TXT_VER_FSBIF);
	r->didvid = le64_at(buf, AEM_TXT_DIDVID);
	r->sinit_base = le64_at(buf, AEM_TXT_SINIT_BASE);
	r->sinit_size = le64_at(buf, AEM_TXT_SINIT_SIZE);
	r->heap_base = le64_at(buf, AEM_TXT_HEAP_BASE);
	r->heap_size = le64_at(buf, AEM_TXT_HEAP_SIZE);
	r->e2sts = le64_at(buf, AEM_TXT_E2STS);
	/* Unclaimed MMIO reads all ones; a chipset with TXT always names itself
	 * in DIDVID, so a blank DIDVID means nobody answers at this address. */
	r->absent = r->didvid == UINT64_MAX || r->didvid == 0;
	return 0;
}

void aem_txt_didvid_split(uint64_t didvid, struct aem_txt_didvid *d)
{
	d->vendor = (uint16_t)didvid;
	d->device = (uint16_t)(didvid >> 16);
	d->revision = (uint16_t)(didvid >> 32);
	d->extended = (uint16_t)(didvid >> 48);
}

void aem_txt_error_decode(uint64_t errorcode, struct aem_txt_error *e)
{
	uint32_t v = (uint32_t)errorcode;

	memset(e, 0, sizeof(*e));
	e->valid = (v >> 31) & 1;
	e->external = (v >> 30) & 1;
	e->from_acm = e->external && !((v >> 15) & 1);
	e->proc_type = v & 0x3fffffffu;
	e->module_type = v & 0xf;
	e->class_code = (v >> 4) & 0x3f;
	e->major = (v >> 10) & 0x1f;
	e->minor = (v >> 16) & 0x3fff;
	/* SINIT leaves 0xC0000001 (and some parts 0xC0000009) after a good
	 * launch: valid, external, class and major zero. Anything else valid
	 * is the reason the last launch did not happen. */
	e->failure = e->valid && !(e->external && e->from_acm && e->class_code == 0 &&
				   e->major == 0 && e->minor == 0);
}

static const char *proc_error_name(unsigned t)
{
	switch (t) {
	case 0: return "legacy shutdown";
	case 5: return "invalid ACM memory type";
	case 6: return "unsupported ACM";
	case 7: return "ACM authentication failed";
	case 8: return "invalid ACM format";
	case 9: return "unexpected HITM";
	case 10: return "invalid event";
	case 11: return "invalid JOIN format";
	case 12: return "unrecoverable machine check";
	case 13: return "VMX abort";
	case 14: return "ACM corrupt";
	case 15: return "invalid VID/B ratio";
	default: return "unknown processor error";
	}
}

static const char *module_name(unsigned t)
{
	return t == 0 ? "BIOS ACM" : t == 1 ? "SINIT ACM" : "ACM";
}

char *aem_txt_error_describe(uint64_t errorcode, char *buf, size_t size)
{
	struct aem_txt_error e;
	uint32_t raw = (uint32_t)errorcode;

	aem_txt_error_decode(errorcode, &e);
	if (!e.valid && raw == 0)
		snprintf(buf, size, "no error recorded (raw 0x%08x)", raw);
	else if (!e.valid)
		snprintf(buf, size, "no valid error recorded (raw 0x%08x)", raw);
	else if (!e.failure)
		snprintf(buf, size, "last launch succeeded (raw 0x%08x)", raw);
	else if (!e.external)
		snprintf(buf, size, "last launch failed: processor error %u, %s (raw 0x%08x)",
			 e.proc_type, proc_error_name(e.proc_type), raw);
	else if (!e.from_acm)
		snprintf(buf, size, "last launch failed: software error 0x%04x:0x%04x (raw 0x%08x)",
			 raw & 0x7fff, (raw >> 16) & 0x3fff, raw);
	else
		snprintf(buf, size,
			 "last launch failed: %s error class 0x%02x major 0x%02x minor 0x%03x (raw 0x%08x)",
			 module_name(e.module_type), e.class_code, e.major, e.minor, raw);
	return buf;
}

char *aem_txt_sts_describe(uint64_t sts, char *buf, size_t size)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} flags[] = {
		{ AEM_TXT_STS_SENTER_DONE, "senter-done" },
		{ AEM_TXT_STS_SEXIT_DONE, "sexit-done" },
		{ AEM_TXT_STS_MEM_CONFIG_LOCK, "mem-config-lock" },
		{ AEM_TXT_STS_PRIVATE_OPEN, "private-open" },
		{ AEM_TXT_STS_LOCALITY1_OPEN, "locality1-open" },
		{ AEM_TXT_STS_LOCALITY2_OPEN, "locality2-open" },
	};
	size_t off = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		int n;

		if (!(sts & flags[i].bit))
			continue;
		n = snprintf(buf + off, size - off, "%s%s", off ? " " : "", flags[i].name);
		if (n < 0 || (size_t)n >= size - off)
			break;
		off += (size_t)n;
	}
	if (off == 0)
		snprintf(buf, size, "none");
	return buf;
}
