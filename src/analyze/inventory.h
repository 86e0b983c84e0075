/* inventory.h - what a scan found: the image, its layers, its OS and its
 * packages. Every string field is owned by its struct and freed by
 * lb_inventory_free; any of them may be NULL when unknown. Strings come
 * from the image and are untrusted: writers must escape them.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lb_layer_info {
	char *digest;       /* blob digest "sha256:..." as the manifest names it; NULL for a rootfs */
	char *diff_id;      /* "sha256:..." of the uncompressed tar, verified */
	char *media_type;
	char *created_by;   /* history created_by of the matching non-empty history entry */
	uint64_t size;      /* compressed size in bytes as the manifest states */
	bool skipped;       /* foreign/non-distributable layer that is absent: not scanned */
};

struct lb_os {
	char *family;       /* os-release ID: "alpine", "debian", "ubuntu", ... */
	char *name;         /* PRETTY_NAME or NAME */
	char *version;      /* full version: "3.7.3", "12.5" (debian_version wins for debian) */
	char *version_id;   /* VERSION_ID: "3.7.3", "12" */
	char *codename;     /* VERSION_CODENAME: "bookworm"; NULL when unknown */
	char *evidence;     /* path of the file it came from */
	char *eol;          /* "YYYY-MM-DD" the release's support ends or ended; NULL when unknown */
};

/* A field added here must also be saved by the layer cache
 * (image/lcache.c put_pkg/get_pkg, with LB_LCACHE_FORMAT raised). */
struct lb_pkg {
	char *type;         /* purl type: "deb", "apk", "rpm", ... */
	char *name, *version, *arch;
	char *src_name;     /* dpkg Source: / apk origin; NULL if same as name or unknown */
	char *src_version;  /* dpkg Source: "(version)"; NULL if same as version */
	char *license, *maintainer;
	char *purl;         /* set by lb_inventory_finish() */
	char *db_path;      /* package database it came from, e.g. "var/lib/dpkg/status" */
	int layer;          /* index into lb_inventory.layers of the layer that added it; -1 unknown */
	bool declared;      /* only declared (lockfile, manifest), not seen installed */
	char *owner;        /* OS package ("deb:python3-urllib3") whose files include db_path, or NULL */
	char **files;       /* installed files, paths without a leading '/' */
	size_t nfiles, capfiles;
	/* NULL, or parallel to files (same count): each file's digest as the
	 * package database records it, "ALGO:HEX" ("sha256:…", "md5:…"), or
	 * NULL for a file without one (directory, symlink, ghost). Owned, each
	 * string too; filled through lb_pkg_add_file_digest (rpm only today). */
	char **digests;
	char *modularity;   /* rpm MODULARITYLABEL "name:stream:version:context", or NULL */
	char *digest;       /* "sha1:HEX" of the package's own archive (a jar), or NULL */
};

/* A vulnerability found in a package (src/match). */
struct lb_finding {
	char *id;           /* CVE-... when there is one, else the advisory's ID */
	char *aliases;      /* JSON array of other IDs, or NULL */
	size_t pkg;         /* index into lb_inventory.pkgs */
	char *installed;    /* the version compared */
	char *fixed;        /* fixed version, or NULL */
	int status;         /* enum lb_vstatus (vulndb.h) */
	char *severity;     /* LOW MEDIUM HIGH CRITICAL UNKNOWN */
	char *severity_source;
	char *cvss_vector;
	double cvss_score;
	char *source;       /* the feed it came from */
	char *title, *url;
	/* Set by src/policy on findings it moved to lb_inventory.suppressed:
	 * an ignore-file entry or a VEX statement that says it does not count. */
	char *sup_kind;     /* "ignore" or "vex"; NULL for a finding that counts */
	char *sup_status;   /* "ignored", or the VEX status: "not_affected", "fixed" */
	char *sup_justification; /* VEX justification, or NULL */
	char *sup_reason;   /* the entry's reason or the VEX impact statement, or NULL */
	char *sup_source;   /* where it was said: "FILE:LINE", "FILE" */
	/* When set, id .. url above (not the sup_* fields) all point into this
	 * one owned block and are freed with it: the matcher makes tens of
	 * thousands of findings, one allocation each. Code that changes one of
	 * those fields on a packed finding must copy the finding's strings
	 * first (there is none today). */
	char *packed;
};

/* A malware, tampering or unowned-file finding (src/malware). */
struct lb_malware_finding {
	char *kind;         /* "malware", "tampering", "unowned" or "limit" */
	char *engine;       /* "clamav", "yara", "hashlist", "dpkg", "apk", "rpm", "owner" */
	char *signature;    /* signature, rule or IOC name */
	char *path;         /* path in the image; inside archives "a.jar!/x/y.class" */
	int layer;          /* index into lb_inventory.layers of the layer that added it; -1 unknown */
	int hidden_by;      /* layer that deleted or overwrote it; -1 when it is in the final view */
	char *sha256;       /* hex SHA-256 of the file in the layer (the outer file) */
	char *severity;     /* LOW MEDIUM HIGH CRITICAL UNKNOWN */
	char *detail;       /* e.g. "md5 differs from the package's record", or NULL */
};

struct lb_inventory {
	char *source_kind;  /* "docker-archive", "oci-layout", "oci-archive", "rootfs" */
	char *source;       /* the input as the user named it */
	char *ref;          /* "name:tag" when known */
	char *image_id;     /* config digest */
	char *manifest_digest;
	char *platform;     /* "linux/amd64[/v8]" */
	struct lb_layer_info *layers;
	size_t nlayers;
	struct lb_os os;
	struct lb_pkg *pkgs;
	size_t npkgs, cappkgs;
	struct lb_finding *findings;
	size_t nfindings, capfindings;
	bool vulns_scanned; /* findings were looked for (a database was used) */
	struct lb_finding *suppressed; /* findings an ignore file or VEX set aside (src/policy) */
	size_t nsuppressed, capsuppressed;
	struct lb_malware_finding *malware;
	size_t nmalware, capmalware;
	bool malware_scanned; /* --scanners malware ran */
	bool partial;       /* a warning was raised while scanning this image */
	char **warnings;    /* messages that made it partial (owned) */
	size_t nwarnings;
};

struct lb_inventory *lb_inventory_new(void);
void lb_inventory_free(struct lb_inventory *inv);
/* Appends a zeroed package (layer = -1) and returns it; valid until the next add. */
struct lb_pkg *lb_inventory_add_pkg(struct lb_inventory *inv);
/* Moves all packages of src into dst, leaving src empty. */
void lb_inventory_take_pkgs(struct lb_inventory *dst, struct lb_inventory *src);
void lb_pkg_add_file(struct lb_pkg *p, const char *path, size_t len);
/* Adds a file with its digest ("ALGO:HEX", copied; NULL for none), keeping
 * p->digests parallel to p->files (created on first use, NULL-filled). */
void lb_pkg_add_file_digest(struct lb_pkg *p, const char *path, size_t len, const char *digest);
void lb_pkg_release(struct lb_pkg *p);
/* Appends a zeroed finding and returns it; valid until the next add. */
struct lb_finding *lb_inventory_add_finding(struct lb_inventory *inv);
/* Frees the strings of f (not f itself). */
void lb_finding_release(struct lb_finding *f);
/* Appends a zeroed malware finding (layer = hidden_by = -1) and returns
 * it; valid until the next add. */
struct lb_malware_finding *lb_inventory_add_malware(struct lb_inventory *inv);
/* Moves all malware findings of src into dst, leaving src empty. */
void lb_inventory_take_malware(struct lb_inventory *dst, struct lb_inventory *src);
void lb_malware_finding_release(struct lb_malware_finding *m);
/* Sorts packages (type, name, version, arch) and fills each purl. */
void lb_inventory_finish(struct lb_inventory *inv);
