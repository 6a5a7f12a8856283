/* aem-boot: the bundle's items on the screen (boot_secret.h). */
#include "boot_secret.h"
#include "config.h"
#include "console.h"
#include "err.h"
#include "totp_item.h"
#include "totp_view.h"

#include <stdio.h>
#include <string.h>

static bool is_text(const char *name)
{
	return strcmp(name, AEM_ITEM_TOTP) && strcmp(name, AEM_ITEM_LUKS_KEY);
}

/* Append up to len bytes of data to text (size bytes, NUL-terminated);
 * control characters other than newline and tab (NUL included) become '?'. */
static void append(char *text, size_t size, size_t *off, const void *data, size_t len)
{
	const unsigned char *d = data;

	for (size_t i = 0; i < len && *off < size - 1; i++)
		text[(*off)++] = (d[i] < 0x20 && d[i] != '\n' && d[i] != '\t') || d[i] == 0x7f ?
				 '?' : (char)d[i];
	text[*off] = '\0';
}

static void compose(const struct aem_bundle *b, char *text, size_t size)
{
	size_t off = 0, ntext = 0;

	for (size_t i = 0; i < b->n; i++)
		ntext += is_text(b->item[i].name);
	text[0] = '\0';
	for (size_t i = 0; i < b->n; i++) {
		const struct aem_bundle_item *it = &b->item[i];

		if (!is_text(it->name))
			continue;
		if (off && text[off - 1] != '\n')
			append(text, size, &off, "\n", 1);
		if (ntext > 1) {
			append(text, size, &off, it->name, strlen(it->name));
			append(text, size, &off, ": ", 2);
		}
		append(text, size, &off, it->data, it->len);
	}
	while (off && text[off - 1] == '\n')
		text[--off] = '\0';
}

int aem_boot_secret_take(const struct aem_bundle *b, struct aem_boot_secret *s, const char **why)
{
	const struct aem_bundle_item *t = aem_bundle_get(b, AEM_ITEM_TOTP);
	const struct aem_bundle_item *k = aem_bundle_get(b, AEM_ITEM_LUKS_KEY);
	struct aem_disp_totp_item it;
	struct aem_pwbox box;

	explicit_bzero(s, sizeof(*s));
	compose(b, s->text, sizeof(s->text));
	if (t && (aem_disp_totp_item_parse(t->data, t->len, &it) ||
		  aem_disp_softkey_init(&s->key, it.key, it.key_len)))
		return *why = "the totp item is malformed (aem totp init, then aem reseal)",
		       AEM_E_FORMAT;
	if (t)
		s->has_totp = true, s->alg = it.alg, s->digits = it.digits, s->period = it.period;
	if (k && (k->len != AEM_BOOT_BOX_LEN || aem_pwbox_parse(k->data, k->len, &box)))
		return *why = "the luks-key item is not the password box of a 64-byte key",
		       AEM_E_FORMAT;
	if (k)
		memcpy(s->box, k->data, k->len), s->box_len = k->len;
	return 0;
}

void aem_boot_secret_note(struct aem_boot_secret *s, const char *prefix, const char *why)
{
	size_t off = 0;

	s->note[0] = '\0';
	append(s->note, sizeof(s->note), &off, prefix, strlen(prefix));
	append(s->note, sizeof(s->note), &off, why, strlen(why));
	/* one line: the why's own newlines too */
	for (char *c = s->note; *c; c++)
		if (*c == '\n' || *c == '\t')
			*c = ' ';
}

int aem_boot_secret_show(int in_fd, int out_fd, const char *title, struct aem_boot_secret *s)
{
	struct aem_disp_hmac h = { aem_disp_hmac_soft, NULL };
	struct aem_disp_totp_view v = { .hmac = &h, .out_fd = out_fd };

	if (s && !s->has_totp && !s->note[0])
		return aem_disp_console_show(in_fd, out_fd, title, s->text);
	if (!s || !s->has_totp) {
		if (s)
			snprintf(s->frame, sizeof(s->frame), "%s%s%s", s->text,
				 s->text[0] ? "\n\n" : "", s->note);
		return aem_disp_console_show(in_fd, out_fd, title, s ? s->frame : NULL);
	}
	snprintf(s->frame, sizeof(s->frame), "%s%s%s%s%s", title, s->text[0] ? "\n\n" : "",
		 s->text, s->note[0] ? "\n\n" : "", s->note);
	h.ctx = &s->key;
	v.alg = s->alg;
	v.digits = s->digits;
	v.period = s->period;
	v.title = s->frame;
	return aem_disp_totp_show(in_fd, &v);
}

void aem_boot_secret_wipe(struct aem_boot_secret *s)
{
	/* the key last: its munlock may unlock the pages the rest shares */
	explicit_bzero(s->text, sizeof(s->text));
	explicit_bzero(s->frame, sizeof(s->frame));
	explicit_bzero(s->note, sizeof(s->note));
	explicit_bzero(s->box, sizeof(s->box));
	explicit_bzero(s->luks_key, sizeof(s->luks_key));
	aem_disp_softkey_wipe(&s->key);
	explicit_bzero(s, sizeof(*s));
}
