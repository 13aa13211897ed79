/* SPDX-License-Identifier: MIT */
/*
 * Platform descriptions for `vcm run` and `vcm graph`: a small line-based
 * text format naming the SoC's memory, memtypes, IOMMUs, bus masters and DMA
 * engine (docs/run.md). The parser only reads; soc.c builds the graph.
 */
#ifndef VCM_TOOLS_RUN_PLATFORM_H
#define VCM_TOOLS_RUN_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLAT_NAME_LEN    32
#define PLAT_MAX_MEMTYPE 8
#define PLAT_MAX_IOMMU   8
#define PLAT_MAX_MASTER  8

enum plat_fmt { PLAT_FMT_ARMV7S = 1, PLAT_FMT_ARMV8_4K, PLAT_FMT_ARMV8_64K };
enum plat_use { PLAT_USE_NONE = 0, PLAT_USE_STREAM, PLAT_USE_FRAMES };
enum plat_role { PLAT_ROLE_NONE = 0, PLAT_ROLE_DECODER, PLAT_ROLE_DISPLAY };

struct plat_memtype {
	char name[PLAT_NAME_LEN];
	uint64_t base, size, chunks;
	enum plat_use use;
};

struct plat_iommu {
	char name[PLAT_NAME_LEN];
	enum plat_fmt fmt;
	unsigned int tlb, ways;
	bool contig;
};

struct plat_master {
	char name[PLAT_NAME_LEN];
	unsigned int iommu; /* index in iommus[] */
	enum plat_role role;
};

struct plat_desc {
	uint64_t mem_base, mem_size, mem_tables;
	bool have_memory;
	struct plat_memtype memtypes[PLAT_MAX_MEMTYPE];
	unsigned int nr_memtypes;
	struct plat_iommu iommus[PLAT_MAX_IOMMU];
	unsigned int nr_iommus;
	struct plat_master masters[PLAT_MAX_MASTER];
	unsigned int nr_masters;
	char dma[PLAT_NAME_LEN];
	bool have_dma;
};

/* The description built into the tool (platforms/video-soc.txt). */
extern const char plat_builtin_text[];
extern const char plat_builtin_name[];

/*
 * plat_parse() - read a description from @text (NUL-terminated); @file names
 * it in messages. On failure @err receives "FILE:LINE: what was wrong".
 * Return: 0, or -1 with @err set.
 */
int plat_parse(const char *text, const char *file, struct plat_desc *d, char *err, size_t errlen);

/* plat_load() - plat_parse() on the contents of @path. */
int plat_load(const char *path, struct plat_desc *d, char *err, size_t errlen);

const char *plat_fmt_name(enum plat_fmt f);
/* The memtype / master used for @use / @role; -1 when the description has none. */
int plat_find_use(const struct plat_desc *d, enum plat_use use);
int plat_find_role(const struct plat_desc *d, enum plat_role role);

#endif /* VCM_TOOLS_RUN_PLATFORM_H */
