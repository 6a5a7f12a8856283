/* libFuzzer target: the kernel command line parser of the boot path. */
#include <stdint.h>
#include <string.h>

#include "boot_args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_boot_args a;

	if (aem_boot_args_parse((const char *)data, size, &a) == 0) {
		/* Every accepted field is a terminated string of its size. */
		if (strlen(a.media_uuid) >= sizeof(a.media_uuid) || strlen(a.usb) >= sizeof(a.usb))
			__builtin_trap();
		for (int i = 0; i < a.nluks; i++)
			if (strlen(a.luks[i]) != 36)
				__builtin_trap();
	}
	return 0;
}
