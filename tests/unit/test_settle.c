/* aem/platform/settle.c on a made-up /sys and /run under a runtime root, laid out as
 * the kernel and systemd-udevd lay them out (a usb-storage interface, its SCSI host,
 * target, LUN and block device; udev's queue file). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime.h"
#include "settle.h"

static char root[PATH_MAX];

/* A shell command on the machine's tree, $R (its root), $I (the stick's interface). */
static void sh(const char *cmd)
{
	assert_int_equal(system(cmd), 0);
}

static void test_settle(void **state)
{
	char why[160];

	(void)state;
	assert_non_null(getcwd(root, sizeof(root) - 16));
	strcat(root, "/machine");
	assert_int_equal(setenv("R", root, 1), 0);
	assert_int_equal(setenv("I", "sys/bus/usb/drivers/usb-storage/1-1:1.0", 1), 0);
	sh("rm -rf \"$R\"; mkdir -p \"$R\"/sys/bus/usb/drivers/usb-storage \"$R\"/run/udev");
	sh("mkdir -p \"$R\"/sys/bus/usb/drivers/uas");
	assert_int_equal(aem_rt_set_root(root), 0);
	/* nothing plugged in, nothing queued */
	assert_int_equal(aem_settle_pending(why, sizeof(why)), 0);
	assert_string_equal(why, "");
	/* udev busy */
	sh("touch \"$R\"/run/udev/queue");
	assert_int_equal(aem_settle_pending(why, sizeof(why)), 1);
	assert_non_null(strstr(why, "udev"));
	sh("rm \"$R\"/run/udev/queue");
	/* a stick bound to usb-storage, inside delay_use: host, no target yet */
	sh("mkdir -p \"$R/$I\"/host0/scsi_host");
	assert_int_equal(aem_settle_pending(why, sizeof(why)), 1);
	assert_non_null(strstr(why, "1-1:1.0"));
	/* scanning: the LUN is there, its disk not yet */
	sh("mkdir -p \"$R/$I\"/host0/target0:0:0/0:0:0:0");
	assert_int_equal(aem_settle_pending(NULL, 0), 1);
	/* the disk */
	sh("mkdir -p \"$R/$I\"/host0/target0:0:0/0:0:0:0/block/sda");
	assert_int_equal(aem_settle_pending(why, sizeof(why)), 0);
	/* a second stick on uas, not scanned; and the queue again: two pending */
	sh("mkdir -p \"$R\"/sys/bus/usb/drivers/uas/2-1:1.0/host1");
	sh("touch \"$R\"/run/udev/queue");
	assert_int_equal(aem_settle_pending(why, sizeof(why)), 2);
	/* the driver's own entries (bind, module, ...) are not interfaces */
	sh("rm -rf \"$R\"/sys/bus/usb/drivers/uas/2-1:1.0 \"$R\"/run/udev/queue");
	sh("mkdir -p \"$R\"/sys/bus/usb/drivers/uas/module/host9");
	assert_int_equal(aem_settle_pending(why, sizeof(why)), 0);
	assert_int_equal(aem_rt_set_root(NULL), 0);
	sh("rm -rf \"$R\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
