/* The aem subcommands: one file each (cmd_<name>.c), dispatched by main.c.
 * Each returns a process exit status from exitcode.h. */
#ifndef AEM_CMD_H
#define AEM_CMD_H

int cmd_version(int argc, char **argv);
int cmd_totp(int argc, char **argv);
int cmd_doctor(int argc, char **argv);

#endif
