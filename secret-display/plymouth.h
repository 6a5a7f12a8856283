/* Talking to plymouth (the graphical boot splash) through its command-line
 * client, so the display library needs no libply: `plymouth --ping`,
 * `display-message`, `hide-message`, `ask-for-password`, `watch-keystroke`.
 * The client is found on PATH as "plymouth" (env AEM_PLYMOUTH overrides
 * it: tests put a recording stub there). Nothing goes through a shell. */
#ifndef AEM_DISP_PLYMOUTH_H
#define AEM_DISP_PLYMOUTH_H

#include <stddef.h>
#include <sys/types.h>

#define AEM_DISP_PLY_MSG_MAX 256

/* 1 when a plymouth daemon answers a ping, else 0. */
int aem_disp_plymouth_running(void);
/* Show / hide one message line (plymouth keeps a list of messages). */
int aem_disp_plymouth_message(const char *text);
int aem_disp_plymouth_hide(const char *text);
/* Ask for a password with prompt; the answer (without newline) goes into
 * buf, NUL terminated, *out_len its length (0: the user typed nothing).
 * AEM_DISP_E_IO when plymouth failed or the user cancelled (Escape),
 * AEM_DISP_E_TOOLONG when it does not fit (buf wiped on every failure). */
int aem_disp_plymouth_ask_password(const char *prompt, char *buf, size_t len, size_t *out_len);

/* Start `plymouth watch-keystroke`: *fd becomes readable when a key is
 * pressed (a key press answers the TOTP view's wait). */
int aem_disp_plymouth_watch_start(pid_t *pid, int *fd);
void aem_disp_plymouth_watch_stop(pid_t pid, int fd);

/* A renderer for aem_disp_totp_show (totp_view.h): ctx is a struct
 * aem_disp_plymouth_view; each frame replaces the previous message. */
struct aem_disp_plymouth_view {
	char shown[AEM_DISP_PLY_MSG_MAX];
};
int aem_disp_plymouth_render(void *ctx, const char *title, const char *line);
/* Take the last message away (wipes the view). */
int aem_disp_plymouth_view_end(struct aem_disp_plymouth_view *pv);

#endif
