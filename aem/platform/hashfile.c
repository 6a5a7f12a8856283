/* Module hashing as GRUB loads a module: the bytes come decompressed from
 * hashfile_stream.c; one pass hashes them with every requested bank. Inflating and
 * hashing overlap: this thread decompresses into a small ring of buffers while a
 * second one hashes the full ones (two cores: nearly the time of the slower side). */
#include "hashfile.h"
#include "hashfile_stream.h"
#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>

#define MAX_BANKS 8u
#define NBUF 8u
/* Below this much input a second thread costs more than it saves. */
#define PIPE_MIN (256u * 1024u)

struct hash_ctx {
	unsigned n;
	EVP_MD_CTX *md[MAX_BANKS];
	uint64_t size;
};

static int hash_update(struct hash_ctx *h, const uint8_t *p, size_t n)
{
	for (unsigned i = 0; i < h->n; i++)
		if (EVP_DigestUpdate(h->md[i], p, n) != 1)
			return AEM_E_CRYPTO;
	h->size += n;
	return 0;
}

static int hash_start(struct hash_ctx *h, const enum aem_bank *banks, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		const EVP_MD *md = aem_bank_md(banks[i]);

		if (!md)
			return AEM_E_INVAL;
		h->md[i] = EVP_MD_CTX_new();
		if (!h->md[i])
			return AEM_E_NOMEM;
		h->n = i + 1;
		if (EVP_DigestInit_ex(h->md[i], md, NULL) != 1)
			return AEM_E_CRYPTO;
	}
	return 0;
}

/* The ring between the decompressing thread (sink) and the hashing thread. The
 * producer always holds one buffer, so `full` never holds more than NBUF - 1. */
struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint8_t *buf[NBUF];
	uint8_t *full[NBUF];
	size_t full_len[NBUF];
	unsigned head, nfull;
	uint8_t *spare[NBUF];
	unsigned nspare;
	bool done;
	int err;
	struct hash_ctx *h;
};

static void *pipe_hasher(void *arg)
{
	struct pipe *p = arg;
	uint8_t *b;
	size_t n;
	int err;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->nfull && !p->done)
			pthread_cond_wait(&p->cv, &p->mu);
		if (!p->nfull)
			break;
		b = p->full[p->head];
		n = p->full_len[p->head];
		p->head = (p->head + 1) % NBUF;
		p->nfull--;
		err = p->err;
		pthread_mutex_unlock(&p->mu);
		if (!err)
			err = hash_update(p->h, b, n);
		pthread_mutex_lock(&p->mu);
		if (err && !p->err)
			p->err = err;
		p->spare[p->nspare++] = b;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static int pipe_sink(void *ctx, uint8_t **buf, size_t n)
{
	struct pipe *p = ctx;
	int err;

	pthread_mutex_lock(&p->mu);
	p->full[(p->head + p->nfull) % NBUF] = *buf;
	p->full_len[(p->head + p->nfull) % NBUF] = n;
	p->nfull++;
	pthread_cond_broadcast(&p->cv);
	while (!p->nspare)
		pthread_cond_wait(&p->cv, &p->mu);
	*buf = p->spare[--p->nspare];
	err = p->err;
	pthread_mutex_unlock(&p->mu);
	return err;
}

/* Without a second thread (none could be started): hash in place. */
static int direct_sink(void *ctx, uint8_t **buf, size_t n)
{
	return hash_update(ctx, *buf, n);
}

static int hash_direct(const struct aem_hf_src *src, bool unzip, struct hash_ctx *h)
{
	uint8_t *cur = malloc(AEM_HF_CHUNK);
	int rc;

	if (!cur)
		return AEM_E_NOMEM;
	rc = aem_hf_stream(src, unzip, direct_sink, h, &cur);
	free(cur);
	return rc;
}

static bool worth_a_thread(const struct aem_hf_src *src)
{
	struct stat st;

	if (src->fd < 0)
		return src->mem_len >= PIPE_MIN;
	return fstat(src->fd, &st) || st.st_size >= (off_t)PIPE_MIN;
}

static int hash_src(const struct aem_hf_src *src, bool unzip, struct hash_ctx *h)
{
	struct pipe p = { .h = h };
	pthread_t th;
	uint8_t *cur;
	int rc;

	if (!worth_a_thread(src))
		return hash_direct(src, unzip, h);

	for (unsigned i = 0; i < NBUF; i++)
		if (!(p.buf[i] = malloc(AEM_HF_CHUNK)))
			goto nomem;
	cur = p.buf[0];
	for (unsigned i = 1; i < NBUF; i++)
		p.spare[p.nspare++] = p.buf[i];
	if (pthread_mutex_init(&p.mu, NULL))
		goto nomem;
	if (pthread_cond_init(&p.cv, NULL)) {
		pthread_mutex_destroy(&p.mu);
		goto nomem;
	}
	if (pthread_create(&th, NULL, pipe_hasher, &p)) {
		rc = aem_hf_stream(src, unzip, direct_sink, h, &cur);
	} else {
		rc = aem_hf_stream(src, unzip, pipe_sink, &p, &cur);
		pthread_mutex_lock(&p.mu);
		p.done = true;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
		pthread_join(th, NULL);
		if (!rc)
			rc = p.err;
	}
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	for (unsigned i = 0; i < NBUF; i++)
		free(p.buf[i]);
	return rc;
nomem:
	for (unsigned i = 0; i < NBUF; i++)
		free(p.buf[i]);
	return AEM_E_NOMEM;
}

static int hash_any(const struct aem_hf_src *src, bool unzip, const enum aem_bank *banks,
		    unsigned n, struct aem_digest *out, uint64_t *size)
{
	struct hash_ctx h = { 0 };
	int rc = hash_start(&h, banks, n);

	if (rc == 0)
		rc = hash_src(src, unzip, &h);
	for (unsigned i = 0; i < h.n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].bank = banks[i];
		if (rc == 0 && EVP_DigestFinal_ex(h.md[i], out[i].d, NULL) != 1)
			rc = AEM_E_CRYPTO;
		EVP_MD_CTX_free(h.md[i]);
	}
	if (rc == 0 && size)
		*size = h.size;
	return rc;
}

int aem_hashfile(const char *path, bool unzip, const enum aem_bank *banks, unsigned n,
		 struct aem_digest *out, uint64_t *size)
{
	struct aem_hf_src src = { .fd = -1 };
	int rc;

	if (!path || !banks || !out || n == 0 || n > MAX_BANKS)
		return AEM_E_INVAL;
	src.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (src.fd < 0)
		return AEM_E_IO;
	rc = hash_any(&src, unzip, banks, n, out, size);
	close(src.fd);
	return rc;
}

int aem_hashbuf(const uint8_t *buf, size_t len, bool unzip, const enum aem_bank *banks,
		unsigned n, struct aem_digest *out, uint64_t *size)
{
	struct aem_hf_src src = { .fd = -1, .mem = buf, .mem_len = len };

	if ((!buf && len) || !banks || !out || n == 0 || n > MAX_BANKS)
		return AEM_E_INVAL;
	return hash_any(&src, unzip, banks, n, out, size);
}

struct buf_ctx {
	uint8_t *p;
	size_t len, cap, max;
};

static int buf_sink(void *ctx, uint8_t **buf, size_t n)
{
	struct buf_ctx *b = ctx;

	if (n > b->max - b->len)
		return AEM_E_NOMEM;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : AEM_HF_CHUNK;
		uint8_t *q;

		while (cap < b->len + n)
			cap *= 2;
		if (!(q = realloc(b->p, cap)))
			return AEM_E_NOMEM;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, *buf, n);
	b->len += n;
	return 0;
}

int aem_readfile(const char *path, bool unzip, size_t max, uint8_t **buf, size_t *len)
{
	struct aem_hf_src src = { .fd = -1 };
	struct buf_ctx b = { .max = max };
	uint8_t *out;
	int rc;

	if (!path || !buf || !len)
		return AEM_E_INVAL;
	if (!(out = malloc(AEM_HF_CHUNK)))
		return AEM_E_NOMEM;
	src.fd = open(path, O_RDONLY | O_CLOEXEC);
	rc = src.fd < 0 ? AEM_E_IO : aem_hf_stream(&src, unzip, buf_sink, &b, &out);
	if (src.fd >= 0)
		close(src.fd);
	free(out);
	if (rc) {
		free(b.p);
		return rc;
	}
	*buf = b.p;
	*len = b.len;
	return 0;
}

static int io_head(void *ctx, const struct aem_predict_module *m, uint8_t *buf, size_t size,
		   size_t *len)
{
	int fd = open(m->path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	(void)ctx;
	*len = 0;
	if (fd < 0)
		return AEM_E_IO;
	do
		n = read(fd, buf, size);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return AEM_E_IO;
	*len = (size_t)n;
	return 0;
}

static int io_digest(void *ctx, const struct aem_predict_module *m, enum aem_bank bank,
		     uint8_t *out)
{
	struct aem_digest d;
	int rc = aem_hashfile(m->path, !m->nounzip, &bank, 1, &d, NULL);

	(void)ctx;
	if (rc == 0)
		memcpy(out, d.d, aem_bank_size(bank));
	return rc;
}

const struct aem_predict_io aem_hashfile_io = { io_head, io_digest, NULL };
