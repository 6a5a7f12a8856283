/* libFuzzer target: the ext4 superblock reader and the enrolled-USB-identity
 * parser of aem/lifecycle/media.c (the identity string is NUL-terminated first). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_ext4_id id;
	struct aem_usb_id u;
	char s[37];
	char *str = malloc(size + 1);

	if (aem_media_parse_ext4(data, size, &id) == 0) {
		aem_media_uuid_str(id.uuid, s);
		(void)aem_media_label_ok(id.label);
	}
	if (str) {
		memcpy(str, data, size);
		str[size] = '\0';
		(void)aem_media_usb_parse(str, &u);
		free(str);
	}
	return 0;
}
