#include "report/writer.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/lb_err.h"
#include "base/lb_banned.h"

/* Defined in rep_*.c, one writer per file. */
extern const struct lb_writer_ops lb_writer_table;
extern const struct lb_writer_ops lb_writer_json;
extern const struct lb_writer_ops lb_writer_cyclonedx;
extern const struct lb_writer_ops lb_writer_sarif;
extern const struct lb_writer_ops lb_writer_spdx_json;
extern const struct lb_writer_ops lb_writer_openvex;

/* The first one is the default of --format. */
static const struct lb_writer_ops *const writers[] = {
	&lb_writer_table,
	&lb_writer_json,
	&lb_writer_cyclonedx,
	&lb_writer_sarif,
	&lb_writer_spdx_json,
	&lb_writer_openvex,
	NULL,
};

const struct lb_writer_ops *
lb_writer_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; writers[i]; i++)
		if (strcmp(writers[i]->name, name) == 0)
			return writers[i];
	return NULL;
}

const char *
lb_writer_names(void)
{
	/* kept in step with writers[] by t_report */
	return "table,json,cyclonedx,sarif,spdx-json,openvex";
}

int
lb_report_uuid(char out[37])
{
	unsigned char u[16];
	size_t off = 0;

	if (RAND_bytes(u, (int)sizeof(u)) != 1) {
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return -errno;
		while (off < sizeof(u)) {
			ssize_t got = read(fd, u + off, sizeof(u) - off);

			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				close(fd);
				return -LB_E_INTERNAL;
			}
			off += (size_t)got;
		}
		close(fd);
	}
	/* RFC 4122 section 4.4: version 4, variant 10 */
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
	    u[13], u[14], u[15]);
	return 0;
}

const char *
lb_report_image_name(const struct lb_inventory *inv)
{
	if (inv->ref && inv->ref[0])
		return inv->ref;
	if (inv->source && inv->source[0])
		return inv->source;
	return "image";
}
