/* Finding the AEM media and telling which USB stick holds it. */
#include "media.h"
#include "err.h"
#include "runtime.h"

#include <fcntl.h>
#include <libusb.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ext2/3/4 superblock: 1024 bytes at offset 1024 of the device. */
#define SB_OFF 1024u
#define SB_MAGIC_OFF 0x38u
#define SB_UUID_OFF 0x68u
#define SB_LABEL_OFF 0x78u
#define SB_NEED (SB_LABEL_OFF + 16u)
#define EXT_MAGIC 0xEF53u

int aem_media_parse_ext4(const uint8_t *buf, size_t len, struct aem_ext4_id *id)
{
	/* One length check covers every fixed-offset field read below. */
	if (!buf || !id || len < SB_OFF + SB_NEED)
		return AEM_E_FORMAT;
	const uint8_t *sb = buf + SB_OFF;
	if ((unsigned)(sb[SB_MAGIC_OFF] | sb[SB_MAGIC_OFF + 1] << 8) != EXT_MAGIC)
		return AEM_E_FORMAT;
	memcpy(id->uuid, sb + SB_UUID_OFF, 16);
	memcpy(id->label, sb + SB_LABEL_OFF, 16);
	id->label[16] = '\0';
	return 0;
}

char *aem_media_uuid_str(const uint8_t u[16], char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
	return out;
}

int aem_media_label_ok(const char *label)
{
	return label && !strncmp(label, "aem", 3);
}

static int read_id(const char *path, struct aem_ext4_id *id)
{
	uint8_t buf[SB_OFF + SB_NEED];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n;

	if (fd < 0)
		return AEM_E_IO;
	n = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	return aem_media_parse_ext4(buf, n > 0 ? (size_t)n : 0, id);
}

/* What aem_media_find keeps of the scan: the superblock of the first device
 * carrying the UUID (the one aem_rt_block_find names: both go in order). */
struct find_ctx {
	const char *want;
	struct aem_ext4_id id;
	bool have;
};

static int ext4_uuid_of(const char *devpath, char *uuid, size_t len, void *ctx)
{
	struct find_ctx *c = ctx;
	struct aem_ext4_id id;
	char s[37];
	int rc = read_id(devpath, &id);

	if (rc)
		return rc;
	snprintf(uuid, len, "%s", aem_media_uuid_str(id.uuid, s));
	if (c && !c->have && !strcasecmp(s, c->want)) {
		c->id = id;
		c->have = true;
	}
	return 0;
}

int aem_media_ext4_uuid(const char *devpath, char *uuid, size_t len, void *ctx)
{
	(void)ctx;
	return ext4_uuid_of(devpath, uuid, len, NULL);
}

int aem_media_find(const char *uuid, char *path, size_t len, struct aem_ext4_id *id, int *count)
{
	struct find_ctx c = { .want = uuid };
	int rc;

	if (!uuid || !path || !id || !count || strlen(uuid) != 36)
		return AEM_E_INVAL;
	rc = aem_rt_block_find(uuid, 0, ext4_uuid_of, &c, path, len, count);
	if (!rc && *count)
		*id = c.id;
	return rc;
}

int aem_media_usb_parse(const char *s, struct aem_usb_id *id)
{
	unsigned v, p;
	int used = 0;

	if (!s || !id || sscanf(s, "%4x:%4x:%n", &v, &p, &used) != 2 || used != 10)
		return AEM_E_FORMAT;
	if (!s[used] || strlen(s + used) >= sizeof(id->serial))
		return AEM_E_FORMAT;
	id->vendor = (uint16_t)v;
	id->product = (uint16_t)p;
	snprintf(id->serial, sizeof(id->serial), "%s", s + used);
	return 0;
}

static int read_uint(const char *dir, const char *name, unsigned *v)
{
	char p[PATH_MAX], b[32] = "";
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (!(f = fopen(p, "re")))
		return -1;
	int ok = fgets(b, sizeof(b), f) && sscanf(b, "%u", v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

/* Walk up from the block device's sysfs node to the USB device above it
 * (the first ancestor with busnum and devnum). */
static int usb_location(const char *sysdir, const char *name, unsigned *bus, unsigned *addr)
{
	char p[PATH_MAX], real[PATH_MAX];

	snprintf(p, sizeof(p), "%s/class/block/%s", sysdir, name);
	if (!realpath(p, real))
		return AEM_E_IO;
	for (char *slash; (slash = strrchr(real, '/')) && slash > real; *slash = '\0')
		if (!read_uint(real, "busnum", bus) && !read_uint(real, "devnum", addr))
			return 0;
	return AEM_E_UNSUPPORTED;
}

static int usb_describe(libusb_device *dev, struct aem_usb_id *id)
{
	struct libusb_device_descriptor dd;
	libusb_device_handle *h;
	int n;

	if (libusb_get_device_descriptor(dev, &dd) || libusb_open(dev, &h))
		return AEM_E_IO;
	id->vendor = dd.idVendor;
	id->product = dd.idProduct;
	id->serial[0] = '\0';
	n = dd.iSerialNumber ? libusb_get_string_descriptor_ascii(
				       h, dd.iSerialNumber, (unsigned char *)id->serial,
				       (int)sizeof(id->serial) - 1) : 0;
	libusb_close(h);
	if (n < 0)
		return AEM_E_IO;
	id->serial[n] = '\0';
	return 0;
}

int aem_media_usb_id(const char *sysdir, const char *name, struct aem_usb_id *id)
{
	libusb_context *ctx = NULL;
	libusb_device **list = NULL;
	unsigned bus, addr;
	ssize_t n;
	int err = usb_location(sysdir, name, &bus, &addr);

	if (err)
		return err;
	if (libusb_init(&ctx))
		return AEM_E_IO;
	err = AEM_E_IO;
	n = libusb_get_device_list(ctx, &list);
	for (ssize_t i = 0; i < n; i++)
		if (libusb_get_bus_number(list[i]) == bus && libusb_get_device_address(list[i]) == addr) {
			err = usb_describe(list[i], id);
			break;
		}
	if (n >= 0)
		libusb_free_device_list(list, 1);
	libusb_exit(ctx);
	return err;
}

int aem_media_usb_equal(const struct aem_usb_id *a, const struct aem_usb_id *b)
{
	return a->vendor == b->vendor && a->product == b->product && !strcmp(a->serial, b->serial);
}
