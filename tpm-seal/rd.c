#include "rd.h"

#include <string.h>

void aem_rd_init(struct aem_rd *r, const uint8_t *buf, size_t len)
{
	r->p = buf;
	r->len = buf ? len : 0;
	r->off = 0;
	r->err = false;
}

size_t aem_rd_left(const struct aem_rd *r)
{
	return r->err ? 0 : r->len - r->off;
}

const uint8_t *aem_rd_view(struct aem_rd *r, size_t n)
{
	const uint8_t *p;

	if (r->err || n > r->len - r->off) {
		r->err = true;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

int aem_rd_bytes(struct aem_rd *r, void *out, size_t n)
{
	const uint8_t *p = aem_rd_view(r, n);

	if (!p)
		return -1;
	if (out && n)
		memcpy(out, p, n);
	return 0;
}

int aem_rd_u8(struct aem_rd *r, uint8_t *v)
{
	return aem_rd_bytes(r, v, 1);
}

int aem_rd_u16(struct aem_rd *r, uint16_t *v)
{
	const uint8_t *p = aem_rd_view(r, 2);

	if (!p)
		return -1;
	*v = (uint16_t)(p[0] | p[1] << 8);
	return 0;
}

int aem_rd_u32(struct aem_rd *r, uint32_t *v)
{
	const uint8_t *p = aem_rd_view(r, 4);

	if (!p)
		return -1;
	*v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return 0;
}

int aem_rd_u64(struct aem_rd *r, uint64_t *v)
{
	uint32_t lo, hi;

	if (aem_rd_u32(r, &lo) || aem_rd_u32(r, &hi))
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

int aem_rd_be16(struct aem_rd *r, uint16_t *v)
{
	const uint8_t *p = aem_rd_view(r, 2);

	if (!p)
		return -1;
	*v = (uint16_t)(p[0] << 8 | p[1]);
	return 0;
}

int aem_rd_be32(struct aem_rd *r, uint32_t *v)
{
	const uint8_t *p = aem_rd_view(r, 4);

	if (!p)
		return -1;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return 0;
}
