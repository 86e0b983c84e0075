/* replay.c - runs a libFuzzer target over every file of its corpus folder
 * (or the files named), so that gcc builds replay the corpus as a
 * regression test (SQLite fuzzcheck, git dummy-cmd-main.c). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/lb_buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
	struct lb_buf b = LB_BUF_INIT(64u << 20);

	if (lb_buf_read_at(&b, -100, path) < 0) {
		fprintf(stderr, "replay: cannot read '%s'\n", path);
		lb_buf_release(&b);
		return 1;
	}
	LLVMFuzzerTestOneInput(b.p ? b.p : (const uint8_t *)"", b.len);
	lb_buf_release(&b);
	return 0;
}

int
main(int argc, char **argv)
{
	int n = 0, bad = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: '%s' is missing\n", argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			struct dirent **ents;
			int k = scandir(argv[i], &ents, NULL, alphasort);
			for (int j = 0; j < k; j++) {
				char p[4096];
				if (ents[j]->d_name[0] != '.') {
					snprintf(p, sizeof(p), "%s/%s", argv[i], ents[j]->d_name);
					bad += run_file(p);
					n++;
				}
				free(ents[j]);
			}
			free(ents);
		} else {
			bad += run_file(argv[i]);
			n++;
		}
	}
	/* an empty input is always worth a run too */
	LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
	printf("replayed %d inputs\n", n);
	return bad ? 1 : 0;
}
