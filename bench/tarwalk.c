/* tarwalk.c - the benchmark baseline: a bare libarchive walk of the tar
 * headers on stdin (data skipped), as cheap as a walk can be. */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>

int
main(void)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	long n = 0;

	archive_read_support_format_tar(a);
	if (archive_read_open_fd(a, 0, 1 << 18) != ARCHIVE_OK)
		return 1;
	while (archive_read_next_header(a, &e) == ARCHIVE_OK)
		n++;
	printf("%ld entries\n", n);
	archive_read_free(a);
	return 0;
}
