/* The AEM media: an ext4 file system labelled "aem<suffix>" whose UUID the
 * kernel command line names (aem.uuid=). Found by reading the superblock of
 * every block device, not through udev's by-uuid links, so that a second
 * device carrying the same UUID is noticed and refused instead of silently
 * winning or losing a race. A USB stick is also identified by its USB
 * vendor, product and serial number, compared with the enrolled identity. */
#ifndef AEM_MEDIA_H
#define AEM_MEDIA_H

#include <stddef.h>
#include <stdint.h>

/* What the boot path needs of an ext4 superblock. */
struct aem_ext4_id {
	uint8_t uuid[16];
	char label[17];           /* NUL-terminated */
};

/* Parse the start of a device (the superblock is at byte 1024..2047).
 * 0, or AEM_E_FORMAT when buf is short or holds no ext2/3/4 superblock. */
int aem_media_parse_ext4(const uint8_t *buf, size_t len, struct aem_ext4_id *id);
/* The canonical lower-case UUID string (36 chars + NUL) into out. */
char *aem_media_uuid_str(const uint8_t uuid[16], char out[37]);
/* True when the label is an AEM label: "aem" followed by anything. */
int aem_media_label_ok(const char *label);

/* The devices whose ext4 UUID equals uuid (string, either case), found by
 * aem_rt_block_find among the block devices of the runtime root (the live
 * system, or a replayed one: aem_rt_set_root, AEM_ROOT); loop devices are
 * not asked. *count gets how many match; the first match's path is written
 * to path and its superblock to id. Returns 0 (also when none match),
 * AEM_E_INVAL for bad arguments, AEM_E_IO when the block devices cannot be
 * listed. */
int aem_media_find(const char *uuid, char *path, size_t len, struct aem_ext4_id *id, int *count);
/* The ext4 UUID of the device at devpath as a string: a uuid_of for
 * aem_rt_block_find (ctx unused). 0, AEM_E_IO, or AEM_E_FORMAT when it
 * holds no ext2/3/4 file system. */
int aem_media_ext4_uuid(const char *devpath, char *uuid, size_t len, void *ctx);

struct aem_usb_id {
	uint16_t vendor, product;
	char serial[128];
};

/* Parse an enrolled identity "VVVV:PPPP:SERIAL" (hex ids; the serial is the
 * rest, may contain ':'). 0 or AEM_E_FORMAT. */
int aem_media_usb_parse(const char *s, struct aem_usb_id *id);
/* The USB identity of the device holding block device NAME (e.g. "sdb"),
 * located through sysdir, read from the device descriptors with libusb.
 * AEM_E_UNSUPPORTED when NAME is not on USB, AEM_E_IO when libusb
 * cannot read it. */
int aem_media_usb_id(const char *sysdir, const char *name, struct aem_usb_id *id);
/* True when both identities are the same device kind and serial. */
int aem_media_usb_equal(const struct aem_usb_id *a, const struct aem_usb_id *b);

#endif
