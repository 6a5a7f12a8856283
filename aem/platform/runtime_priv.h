/* What the runtime layer's files share, and nobody else uses. */
#ifndef AEM_RUNTIME_PRIV_H
#define AEM_RUNTIME_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* base + path into out, refusing a path that could climb out of base. */
int aem_rt_join(const char *base, const char *path, char *out, size_t size);
/* path under the root in use (aem_rt_root). */
int aem_rt_resolve(const char *path, char *out, size_t size);

/* The recorder (runtime_record.c): set by aem_rt_record_to, NULL otherwise,
 * so a program that never records links none of it. */
struct aem_rt_recorder {
	void (*file)(const char *path, const uint8_t *buf, size_t len);
	void (*presence)(const char *path, bool dir);
	void (*dir)(const char *path, char *const *names, size_t n);
};
extern const struct aem_rt_recorder *aem_rt_rec;

#endif
