/* lb_limits.h - every cap on untrusted input, in one place. */
#pragma once

#define LB_MAX_JSON_DOC     (8u << 20)     /* index.json, manifest, config, manifest.json */
#define LB_MAX_INDEX_DEPTH  8              /* nested image indexes */
#define LB_MAX_LAYERS       4096           /* layers in one manifest */
#define LB_MAX_MANIFESTS    4096           /* descriptors in one index */
#define LB_MAX_PATH         4096           /* bytes of one path inside a layer */
#define LB_MAX_PKGDB        (64u << 20)    /* one package database file kept in memory */
#define LB_MAX_SMALL_FILE   (1u << 20)     /* default cap for other captured files */
#define LB_MAX_CAPTURE      (192u << 20)   /* bytes kept from one image in total */
#define LB_MAX_LAYER_ENTRIES 50000000u     /* tar entries in one layer */
#define LB_MAX_LAYER_BYTES  (64ull << 30)  /* uncompressed bytes in one layer */
#define LB_MAX_SYMLINKS     1000000u       /* symlinks remembered per layer */
#define LB_MAX_SYMLINK_HOPS 40             /* as the Linux kernel */
#define LB_MAX_OUTER_ENTRIES 100000u       /* entries in a docker-save / OCI archive */
#define LB_MAX_STREAM_BUFFER (32u << 20)   /* a file several streaming analyzers read */
#define LB_MAX_WARNINGS     1000u          /* warnings kept for the report */
#define LB_MAX_LCACHE_FILE  (128u << 20)   /* one layer's entry in the layer cache (image/lcache.h) */
#define LB_MAX_LCACHE_TOTAL (2ull << 30)   /* the layer cache folder; least recently used entries go */
