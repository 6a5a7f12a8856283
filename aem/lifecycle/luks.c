/* LUKS header hash through libcryptsetup's own header backup, so the bytes
 * hashed are exactly those of `cryptsetup luksHeaderBackup` whatever the
 * LUKS version and area sizes. */
#include "luks.h"
#include "err.h"

#include <fcntl.h>
#include <libcryptsetup.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Stream the file through the hash: a LUKS2 backup is 16 MiB by default. */
static int hash_fd(int fd, const EVP_MD *md, uint8_t *out)
{
	static uint8_t buf[65536];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int err = AEM_E_CRYPTO;
	ssize_t n;

	if (!ctx || !EVP_DigestInit_ex(ctx, md, NULL))
		goto out;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (!EVP_DigestUpdate(ctx, buf, (size_t)n))
			goto out;
	err = n < 0 ? AEM_E_IO : EVP_DigestFinal_ex(ctx, out, NULL) ? 0 : AEM_E_CRYPTO;
out:
	EVP_MD_CTX_free(ctx);
	return err;
}

/* The library is quiet: diagnosis is the caller's job. */
static void no_log(int level, const char *msg, void *usrptr)
{
	(void)level, (void)msg, (void)usrptr;
}

/* Write the header backup of device to path (which must not exist). */
static int backup(const char *device, const char *path)
{
	struct crypt_device *cd = NULL;
	int r;

	if (access(device, R_OK))
		return AEM_E_IO;
	crypt_set_log_callback(NULL, no_log, NULL);
	r = crypt_init(&cd, device);
	if (r < 0)
		return AEM_E_IO;
	r = crypt_load(cd, NULL, NULL);
	if (r < 0) {
		crypt_free(cd);
		return AEM_E_FORMAT;
	}
	r = crypt_header_backup(cd, NULL, path);
	crypt_free(cd);
	return r < 0 ? AEM_E_IO : 0;
}

int aem_luks_header_hash(const char *device, enum aem_bank bank, const char *tmpdir,
			 uint8_t *out)
{
	const EVP_MD *md = aem_bank_md(bank);
	char dir[PATH_MAX], path[PATH_MAX + 16];
	int err, fd;

	if (!md || !device || !out)
		return AEM_E_INVAL;
	if (!tmpdir)
		tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	if (snprintf(dir, sizeof(dir), "%s/aem-luks.XXXXXX", tmpdir) >= (int)sizeof(dir) ||
	    !mkdtemp(dir))
		return AEM_E_IO;
	snprintf(path, sizeof(path), "%s/header", dir);
	err = backup(device, path);
	if (!err) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		err = fd < 0 ? AEM_E_IO : hash_fd(fd, md, out);
		if (fd >= 0)
			close(fd);
	}
	unlink(path);
	rmdir(dir);
	return err;
}
