/* simtpm — test tooling, not the product: raw TPM commands to a swtpm over its
 * TCP data and control channels, used by tests/lib/tpm-sim and the emulated
 * TXT launch (tests/launch/txt-launch).
 *
 *   simtpm startup --family 2.0|1.2 --port P
 *   simtpm pcrread --family F --port P --pcr N [--bank sha1|sha256]
 *   simtpm launch  --family F --port P --ctrl C --plan FILE --log OUT
 *
 * The launch plan is a text file, one step a line (digests/data in hex, "-" = none):
 *   locality N                       set the locality of the following commands
 *   hashstart DATA                   locality-4 _TPM_Hash_Start/Data/End of DATA (PCR 17
 *                                    := H(0 || H(DATA)) in every bank); logged as 0x402
 *   event PCR TYPE DATA [BANK=HEX]... extend and log one event. With explicit BANK=HEX
 *                                    digests only those banks are extended (tboot's
 *                                    events, digests from tboot's own tools); without,
 *                                    every bank gets H(DATA) (SINIT's events).
 * The log written is what the TXT heap would hold: the TCG crypto-agile format
 * (Spec ID Event03 header, sha1+sha256) for TPM 2.0, the "TXT Event Container"
 * for TPM 1.2. SINIT's event digests are hashes of their data, as on hardware. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pcr.h"

enum { CTRL_INIT = 2, CTRL_SET_LOCALITY = 5, CTRL_HASH_START = 6, CTRL_HASH_DATA = 7, CTRL_HASH_END = 8 };

static int family2; /* 1 = TPM 2.0, 0 = TPM 1.2 */
static int data_port, ctrl_port;

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "simtpm: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int dial(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		die("cannot connect to 127.0.0.1:%s", strerror(errno));
	return fd;
}

static void send_all(int fd, const uint8_t *b, size_t n)
{
	while (n) {
		ssize_t w = write(fd, b, n);
		if (w <= 0)
			die("write: %s", strerror(errno));
		b += w;
		n -= (size_t)w;
	}
}

static void recv_all(int fd, uint8_t *b, size_t n)
{
	while (n) {
		ssize_t r = read(fd, b, n);
		if (r <= 0)
			die("short read from swtpm");
		b += r;
		n -= (size_t)r;
	}
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t *put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = (uint8_t)v; return p + 2; }
static uint8_t *put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, (uint16_t)v); return p + 4; }

/* One control-channel command; returns the TPM result code it answers. */
static uint32_t ctrl(uint32_t cmd, const uint8_t *payload, size_t len)
{
	uint8_t req[8 + 4096], res[4];
	int fd = dial(ctrl_port);

	put32(req, cmd);
	if (len)
		memcpy(req + 4, payload, len);
	send_all(fd, req, 4 + len);
	recv_all(fd, res, 4);
	close(fd);
	return be32(res);
}

/* One data-channel command; response copied to res (cap bytes); returns its rc. */
static uint32_t transact(const uint8_t *cmd, size_t len, uint8_t *res, size_t cap)
{
	uint8_t hdr[10];
	uint32_t size;
	int fd = dial(data_port);

	send_all(fd, cmd, len);
	recv_all(fd, hdr, 10);
	size = be32(hdr + 2);
	if (size < 10 || size > cap)
		die("bad response size from swtpm");
	memcpy(res, hdr, 10);
	recv_all(fd, res + 10, size - 10);
	close(fd);
	return be32(hdr + 6);
}

static void set_locality(unsigned loc)
{
	uint8_t l = (uint8_t)loc;
	uint32_t rc = ctrl(CTRL_SET_LOCALITY, &l, 1);

	if (rc)
		die("swtpm refused SET_LOCALITY %u (rc 0x%x)", loc, rc);
}

static void hash_sequence(const uint8_t *data, size_t len)
{
	uint8_t buf[4 + 1024];

	if (ctrl(CTRL_HASH_START, NULL, 0))
		die("HASH_START refused");
	for (size_t off = 0; off < len;) {
		size_t n = len - off > 1024 ? 1024 : len - off;
		put32(buf, (uint32_t)n);
		memcpy(buf + 4, data + off, n);
		if (ctrl(CTRL_HASH_DATA, buf, 4 + n))
			die("HASH_DATA refused");
		off += n;
	}
	if (ctrl(CTRL_HASH_END, NULL, 0))
		die("HASH_END refused");
}

static void startup(void)
{
	uint8_t cmd[12], res[64], *p = cmd;
	uint32_t rc;

	p = put16(p, family2 ? 0x8001 : 0x00c1);
	p = put32(p, 12);
	p = put32(p, family2 ? 0x144 : 0x99);
	put16(p, family2 ? 0x0000 : 0x0001); /* SU_CLEAR / TPM_ST_CLEAR */
	rc = transact(cmd, sizeof(cmd), res, sizeof(res));
	/* Already started (swtpm's startup-clear flag) is fine. */
	if (rc && !(family2 && rc == 0x100) && !(!family2 && rc == 0x26)) {
		fprintf(stderr, "simtpm: Startup failed, rc 0x%x\n", rc);
		exit(1);
	}
}

static void extend(unsigned pcr, enum aem_bank bank, const uint8_t *digest)
{
	uint8_t cmd[128], res[256], *p = cmd;
	size_t n = aem_bank_size(bank);
	uint32_t rc;

	if (family2) {
		p = put16(p, 0x8002);
		p += 4;
		p = put32(p, 0x182);
		p = put32(p, pcr);
		p = put32(p, 9);          /* password session, empty auth */
		p = put32(p, 0x40000009);
		p = put16(p, 0);
		*p++ = 0;
		p = put16(p, 0);
		p = put32(p, 1);          /* TPML_DIGEST_VALUES: one bank */
		p = put16(p, (uint16_t)bank);
	} else {
		p = put16(p, 0x00c1);
		p += 4;
		p = put32(p, 0x14);
		p = put32(p, pcr);
	}
	memcpy(p, digest, n);
	p += n;
	put32(cmd + 2, (uint32_t)(p - cmd));
	rc = transact(cmd, (size_t)(p - cmd), res, sizeof(res));
	if (rc) {
		fprintf(stderr, "simtpm: extend of PCR %u refused, rc 0x%x (locality?)\n", pcr, rc);
		exit(1);
	}
}

static void pcrread(unsigned pcr, enum aem_bank bank, uint8_t *out)
{
	uint8_t cmd[32], res[256], *p = cmd;
	size_t n = aem_bank_size(bank);

	if (family2) {
		p = put16(p, 0x8001);
		p = put32(p, 20);
		p = put32(p, 0x17e);
		p = put32(p, 1);
		p = put16(p, (uint16_t)bank);
		*p++ = 3;
		p[0] = p[1] = p[2] = 0;
		p[pcr / 8] = (uint8_t)(1u << (pcr % 8));
		if (transact(cmd, 20, res, sizeof(res)))
			die("PCR_Read refused");
		/* rc | updateCounter | TPML_PCR_SELECTION (4+2+1+3) | count | size | digest */
		if (be32(res + 24) != 1 || ((size_t)res[28] << 8 | res[29]) != n)
			die("PCR_Read: unexpected answer");
		memcpy(out, res + 30, n);
	} else {
		p = put16(p, 0x00c1);
		p = put32(p, 14);
		p = put32(p, 0x15);
		put32(p, pcr);
		if (transact(cmd, 14, res, sizeof(res)))
			die("TPM_PCRRead refused");
		memcpy(out, res + 10, 20);
	}
}

/* ---- event log writer ---- */

static uint8_t logbuf[1 << 20];
static size_t loglen;

static void log_bytes(const void *b, size_t n)
{
	if (loglen + n > sizeof(logbuf))
		die("event log too large");
	memcpy(logbuf + loglen, b, n);
	loglen += n;
}

static void log_le32(uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	log_bytes(b, 4);
}

static void log_le16(uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	log_bytes(b, 2);
}

static void log_header(void)
{
	static const uint8_t zero[32];

	if (family2) {
		log_le32(0);
		log_le32(3); /* EV_NO_ACTION */
		log_bytes(zero, 20);
		log_le32(37);
		log_bytes("Spec ID Event03", 16);
		log_le32(0);                      /* platformClass */
		log_bytes("\0\2\0\1", 4);         /* minor 0, major 2, errata 0, uintnSize 1 */
		log_le32(2);
		log_le16(AEM_BANK_SHA1);
		log_le16(20);
		log_le16(AEM_BANK_SHA256);
		log_le16(32);
		log_bytes("", 1);                 /* vendorInfoSize 0 */
	} else {
		log_bytes("TXT Event Container", 20);
		log_bytes(zero, 12);
		log_bytes("\1\0\1\0", 4);         /* container 1.0, PCR event 1.0 */
		log_le32(0);                      /* size, patched at the end */
		log_le32(48);                     /* first event */
		log_le32(0);                      /* next event, patched at the end */
	}
}

static void log_event(unsigned pcr, uint32_t type, const uint8_t *sha1, const uint8_t *sha256,
		      const uint8_t *data, size_t len)
{
	log_le32(pcr);
	log_le32(type);
	if (family2) {
		log_le32((sha1 ? 1 : 0) + (sha256 ? 1 : 0));
		if (sha1) {
			log_le16(AEM_BANK_SHA1);
			log_bytes(sha1, 20);
		}
		if (sha256) {
			log_le16(AEM_BANK_SHA256);
			log_bytes(sha256, 32);
		}
	} else {
		log_bytes(sha1, 20);
	}
	log_le32((uint32_t)len);
	log_bytes(data, len);
}

static void log_finish(const char *path)
{
	FILE *f;

	if (!family2) {
		for (int i = 0; i < 4; i++) {
			logbuf[36 + i] = (uint8_t)(loglen >> (8 * i));
			logbuf[44 + i] = (uint8_t)(loglen >> (8 * i));
		}
	}
	f = fopen(path, "wb");
	if (!f || fwrite(logbuf, 1, loglen, f) != loglen || fclose(f) != 0)
		die("cannot write %s", path);
}

/* ---- plan execution ---- */

static size_t unhex_any(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s) / 2;

	if (!strcmp(s, "-"))
		return 0;
	if (strlen(s) % 2 || n > cap || aem_unhex(s, out, n))
		die("bad hex '%s'", s);
	return n;
}

static void run_plan(const char *plan, const char *logpath)
{
	static uint8_t data[65536];
	char line[200000];
	FILE *f = fopen(plan, "r");

	if (!f)
		die("cannot open plan %s", plan);
	log_header();
	while (fgets(line, sizeof(line), f)) {
		char *tok[8] = { 0 }, *save = NULL;
		int nt = 0;

		for (char *t = strtok_r(line, " \t\n", &save); t && nt < 8; t = strtok_r(NULL, " \t\n", &save))
			tok[nt++] = t;
		if (nt == 0 || tok[0][0] == '#')
			continue;
		if (!strcmp(tok[0], "locality") && nt == 2) {
			set_locality((unsigned)atoi(tok[1]));
		} else if (!strcmp(tok[0], "hashstart") && nt == 2) {
			uint8_t h1[20], h256[32];
			size_t n = unhex_any(tok[1], data, sizeof(data));

			set_locality(4);
			hash_sequence(data, n);
			aem_hash(AEM_BANK_SHA1, data, n, h1);
			aem_hash(AEM_BANK_SHA256, data, n, h256);
			log_event(17, 0x402, h1, family2 ? h256 : NULL, data, n);
		} else if (!strcmp(tok[0], "event") && nt >= 4) {
			unsigned pcr = (unsigned)atoi(tok[1]);
			uint32_t type = (uint32_t)strtoul(tok[2], NULL, 0);
			size_t n = unhex_any(tok[3], data, sizeof(data));
			uint8_t h1[20], h256[32];
			int have1 = 0, have256 = 0;

			for (int i = 4; i < nt; i++) {
				if (!strncmp(tok[i], "sha1=", 5) && !aem_unhex(tok[i] + 5, h1, 20))
					have1 = 1;
				else if (!strncmp(tok[i], "sha256=", 7) && !aem_unhex(tok[i] + 7, h256, 32))
					have256 = 1;
				else
					die("bad digest '%s'", tok[i]);
			}
			if (nt == 4) { /* SINIT event: every bank gets H(data) */
				aem_hash(AEM_BANK_SHA1, data, n, h1);
				aem_hash(AEM_BANK_SHA256, data, n, h256);
				have1 = 1;
				have256 = family2;
			}
			if (have1)
				extend(pcr, AEM_BANK_SHA1, h1);
			if (have256 && family2)
				extend(pcr, AEM_BANK_SHA256, h256);
			log_event(pcr, type, have1 ? h1 : NULL, have256 ? h256 : NULL, data, n);
		} else {
			die("bad plan line starting with '%s'", tok[0]);
		}
	}
	fclose(f);
	set_locality(0);
	log_finish(logpath);
}

int main(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "", *plan = NULL, *logpath = NULL;
	enum aem_bank bank = AEM_BANK_NONE;
	int pcr = -1;

	for (int i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--family"))
			family2 = !strcmp(argv[i + 1], "2.0");
		else if (!strcmp(argv[i], "--port"))
			data_port = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--ctrl"))
			ctrl_port = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--plan"))
			plan = argv[i + 1];
		else if (!strcmp(argv[i], "--log"))
			logpath = argv[i + 1];
		else if (!strcmp(argv[i], "--pcr"))
			pcr = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--bank"))
			bank = aem_bank_from_name(argv[i + 1]);
		else
			die("unknown option %s", argv[i]);
	}
	if (!data_port)
		die("--port is required");
	if (!strcmp(verb, "startup")) {
		startup();
	} else if (!strcmp(verb, "pcrread") && pcr >= 0 && pcr < 24) {
		uint8_t d[AEM_MAX_DIGEST];
		char hex[2 * AEM_MAX_DIGEST + 1];

		if (bank == AEM_BANK_NONE)
			bank = family2 ? AEM_BANK_SHA256 : AEM_BANK_SHA1;
		pcrread((unsigned)pcr, bank, d);
		printf("%s\n", aem_hex(d, aem_bank_size(bank), hex));
	} else if (!strcmp(verb, "launch") && plan && logpath && ctrl_port) {
		run_plan(plan, logpath);
	} else {
		fprintf(stderr, "usage: simtpm startup|pcrread|launch --family 2.0|1.2 --port P [...]\n");
		return 2;
	}
	return 0;
}
