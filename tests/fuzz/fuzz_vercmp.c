/* fuzz_vercmp.c - the version comparators on untrusted versions (package
 * databases, advisory feeds). The first byte picks the ecosystem
 * (lb_vercmp_at(byte % count)); the rest is two versions, split at the
 * first '\n'. Validation must not crash, nor comparing any two byte
 * strings, valid or not (the matcher compares versions read from the
 * database without checking them again); for two valid versions the order
 * must be reflexive (a = a) and antisymmetric (a < b exactly when b > a). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_err.h"
#include "version/vercmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
sign(int r)
{
	return (r > 0) - (r < 0);
}

static void
fail(const struct lb_vercmp_ops *ops, struct lb_slice a, struct lb_slice b, const char *what)
{
	fprintf(stderr, "%s: '%.*s' vs '%.*s': %s\n", ops->ecosystem, (int)a.len, a.p,
	    (int)b.len, b.p, what);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct lb_vercmp_ops *ops;
	const uint8_t *nl;
	char *pa, *pb;
	struct lb_slice a, b;
	size_t na, nb;
	int va, vb;

	if (size < 1)
		return 0;
	ops = lb_vercmp_at(data[0] % lb_vercmp_count());
	data++;
	size--;
	nl = memchr(data, '\n', size);
	na = nl ? (size_t)(nl - data) : size;
	nb = nl ? size - na - 1 : 0;
	/* exact-size copies, so that a read past either end is caught */
	pa = malloc(na ? na : 1);
	pb = malloc(nb ? nb : 1);
	if (!pa || !pb)
		abort();
	memcpy(pa, data, na);
	if (nb)
		memcpy(pb, nl + 1, nb);
	a = lb_slice_make(pa, na);
	b = lb_slice_make(pb, nb);

	va = ops->validate(a);
	vb = ops->validate(b);
	if ((va != 0 && va != -LB_E_FORMAT) || (vb != 0 && vb != -LB_E_FORMAT))
		fail(ops, a, b, "validate() returned something else than 0 or -LB_E_FORMAT");
	(void)ops->compare(a, b);
	(void)ops->compare(b, a);
	if (va == 0) {
		if (ops->compare(a, a) != 0)
			fail(ops, a, a, "not equal to itself");
	}
	if (va == 0 && vb == 0) {
		int ab = sign(ops->compare(a, b)), ba = sign(ops->compare(b, a));

		if (ab != -ba)
			fail(ops, a, b, "compare(a, b) != -compare(b, a)");
		if (ops->compare(b, b) != 0)
			fail(ops, b, b, "not equal to itself");
	}
	free(pa);
	free(pb);
	return 0;
}
