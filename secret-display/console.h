/* Showing a secret on a text console and taking it away again.
 *
 * The frame is the same whether or not there is a secret to show: no
 * "failed" banner, no colour. The user judges by the secret alone, so an
 * attacker gains nothing by imitating a success or failure screen, and a
 * shoulder-surfer learns nothing from the layout. */
#ifndef AEM_DISP_CONSOLE_H
#define AEM_DISP_CONSOLE_H

/* Clears the visible screen and the scrollback (ESC[3J, honoured by the
 * Linux console since 3.0, xterm, tmux, VTE...) and homes the cursor. */
#define AEM_DISP_CLEAR_ALL "\033[H\033[2J\033[3J"

/* Clear, show title and text (NULL or "" = nothing to show: same frame,
 * empty body), discard type-ahead, wait for Enter (or end of input) on
 * in_fd, then clear screen and scrollback. Control characters in text other
 * than newline and tab are shown as '?'. Returns 0 or AEM_DISP_E_IO; the
 * final clear is attempted on every path. */
int aem_disp_console_show(int in_fd, int out_fd, const char *title, const char *text);

/* Clear screen and scrollback on out_fd. */
int aem_disp_console_clear(int out_fd);

/* Write all of s to fd as it is (no sanitising: for the caller's own text). */
int aem_disp_console_puts(int fd, const char *s);

#endif
