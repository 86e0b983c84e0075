/* cmd_version.c - lifebelt version compare ECOSYSTEM A B | - */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "base/lb_err.h"
#include "version/vercmp.h"

static char
answer(const char *eco, const char *a, const char *b)
{
	int c;

	if (lb_vercmp(eco, a, b, &c) < 0)
		return '!';
	return c < 0 ? '<' : c > 0 ? '>' : '=';
}

int
lb_cmd_version(struct lb_ctx *cx, int argc, char **argv, const struct lb_cli *cli)
{
	const char *eco;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	(void)cx, (void)cli;
	if (argc < 3 || strcmp(argv[1], "compare") != 0 || (argc != 5 && !(argc == 4 && strcmp(argv[3], "-") == 0))) {
		fprintf(stderr, "usage: lifebelt version compare ECOSYSTEM A B\n"
		    "       lifebelt version compare ECOSYSTEM -   (stdin: A<TAB>B lines)\n"
		    "ECOSYSTEM: deb rpm apk pypi npm cargo golang gem maven nuget composer\n");
		return EX_USAGE;
	}
	eco = argv[2];
	if (!lb_vercmp_find(eco)) {
		fprintf(stderr, "lifebelt: unknown ecosystem '%s'\n", eco);
		return EX_USAGE;
	}
	if (argc == 5) {
		char c = answer(eco, argv[3], argv[4]);
		printf("%c\n", c);
		return c == '!' ? EX_DATAERR : 0;
	}
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		char *tab;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = 0;
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = 0;
		tab = strchr(line, '\t');
		if (!tab) {
			puts("!");
			continue;
		}
		*tab = 0;
		printf("%c\n", answer(eco, line, tab + 1));
	}
	free(line);
	return fflush(stdout) == 0 ? 0 : EX_IOERR;
}
