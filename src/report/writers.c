#include "report/writer.h"

#include <string.h>

#include "base/lb_banned.h"

/* Defined in rep_*.c, one writer per file. */
extern const struct lb_writer_ops lb_writer_table;
extern const struct lb_writer_ops lb_writer_json;
extern const struct lb_writer_ops lb_writer_cyclonedx;

/* The first one is the default of --format. */
static const struct lb_writer_ops *const writers[] = {
	&lb_writer_table,
	&lb_writer_json,
	&lb_writer_cyclonedx,
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
	return "table,json,cyclonedx";
}
