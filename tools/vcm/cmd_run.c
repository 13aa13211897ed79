// SPDX-License-Identifier: MIT
/*
 * vcm run: the 2010 video-playback example end to end on the simulated SoC.
 *
 *   vcm run [CLIP] [--platform FILE] [--out DIR] [--frames N] [--json] [--quiet]
 *
 * Plays the clip through the pipeline (run/pipeline.c) twice: with the frame
 * buffer in mixed 1 MiB / 64 KiB / 4 KiB chunks, writing a PNG per frame, and
 * with 4 KiB chunks and pages only; checks that both scanned out the same
 * bytes, then prints the mapping graph and, per IOMMU, the IOTLB counts of
 * both runs and the table memory each chunk plan needed.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "json.h"
#include "run/pipeline.h"
#include "run/platform.h"
#include "dt/topo_out.h"

#include "default_clip.h"

/* where the build writes the clip; none when not compiled in */
#ifndef VCM_DEFAULT_CLIP
#define VCM_DEFAULT_CLIP ""
#endif
/* the install's data folder from its bin folder (tools/CMakeLists.txt) */
#ifndef VCM_CLIP_DATA_REL
#define VCM_CLIP_DATA_REL "../share/vcm"
#endif

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vcm run [CLIP] [options]\n"
		"Plays CLIP (Motion-JPEG, raw or in AVI, or Y4M) through the simulated SoC:\n"
		"DMA engine -> decoder (IOMMU) -> CPU stamp -> display (IOMMU)\n"
		"-> one PNG per frame. Runs the same work with 4 KiB pages only beside it and\n"
		"prints the mapping graph and the IOTLB counts of both.\n"
		"The default CLIP is the generated default.mjpeg, looked for next to the binary,\n"
		"in ../share/vcm from it (an install), then in the build tree.\n"
		"options:\n"
		"  --platform FILE   SoC description (default: the built-in video-soc; docs/run.md)\n"
		"  --dtb FILE --decoder NODE --display NODE\n"
		"                    the SoC of a device tree (.dtb, or .dts with dtc): NODE is a\n"
		"                    bus master's path or last path component\n"
		"  --out DIR         where the PNGs go (default ./vcm-out; created with its parents)\n"
		"  --frames N        stop after N frames\n"
		"  --json            print the results as JSON\n"
		"  --quiet           no progress line\n"
		"exit: 0 done, 1 bad clip, platform or a refused step (message on stderr),\n"
		"      2 bad command line.\n");
}

/*
 * The default clip (default_clip.h): next to the binary (the build tree), in
 * the install's data folder (VCM_CLIP_DATA_REL from the binary's folder), then
 * where the build wrote it. NULL with the places named in @err when none has it.
 */
static const char *default_clip(char *buf, size_t len, char *err, size_t errlen)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0)
		exe[n] = '\0';
	return default_clip_find(n > 0 ? exe : NULL, VCM_CLIP_DATA_REL, VCM_DEFAULT_CLIP, buf, len,
				 err, errlen);
}

struct printer {
	bool json;
	FILE *out;        /* where the JSON document is built; printed whole at the end */
	const char *platform;
};

static void print_built(struct soc *s, void *arg)
{
	struct printer *p = arg;

	if (p->json) {
		fprintf(p->out, "  \"graph\": ");
		soc_write_json(s, p->out, "  ");
		fprintf(p->out, ",\n");
	} else {
		soc_print_graph(s, stdout);
	}
}

static double ratio(uint64_t a, uint64_t b)
{
	return b != 0 ? (double)a / (double)b : 0.0;
}

static void print_text(const struct plat_desc *d, const struct run_result *mx,
		       const struct run_result *k4, const char *out_dir)
{
	printf("\nframes: %u (%ux%u %s), DMA engine loaded %llu chunks (%llu bytes) from the card\n",
	       mx->frames, mx->width, mx->height, mx->kind, (unsigned long long)mx->dma_chunks,
	       (unsigned long long)mx->dma_bytes);
	printf("PNGs: %s/frame-0001.png .. %s/frame-%04u.png\n\n", out_dir, out_dir, mx->frames);
	printf("IOTLB                        ------ mixed chunks ------   ------ 4 KiB only -------\n");
	printf("iommu (format, entries)       lookups   misses    walks   lookups   misses    walks"
	       "   misses 4K/mixed\n");
	for (unsigned int j = 0; j < d->nr_masters; j++) {
		const struct plat_iommu *p = &d->iommus[d->masters[j].iommu];
		char name[64];

		snprintf(name, sizeof(name), "%s (%s, %u)", p->name, plat_fmt_name(p->fmt), p->tlb);
		printf("%-28s %8llu %8llu %8llu  %8llu %8llu %8llu   %8.1fx\n", name,
		       (unsigned long long)mx->st[j].lookups, (unsigned long long)mx->st[j].misses,
		       (unsigned long long)mx->st[j].walks, (unsigned long long)k4->st[j].lookups,
		       (unsigned long long)k4->st[j].misses, (unsigned long long)k4->st[j].walks,
		       ratio(k4->st[j].misses, mx->st[j].misses));
	}
	printf("table bytes (both tables)    %26llu  %26llu   %8.1fx\n",
	       (unsigned long long)mx->table_bytes, (unsigned long long)k4->table_bytes,
	       ratio(k4->table_bytes, mx->table_bytes));
}

static void json_run(FILE *out, const struct plat_desc *d, const struct run_result *r,
		     const char *name)
{
	fprintf(out, "    \"%s\": {\"table_bytes\": %llu, \"iommus\": [", name,
	       (unsigned long long)r->table_bytes);
	for (unsigned int j = 0; j < d->nr_masters; j++) {
		const struct plat_iommu *p = &d->iommus[d->masters[j].iommu];
		const struct vcm_sim_iommu_stats *st = &r->st[j];

		/* names come from the description: any bytes but blanks, so json_str() */
		fprintf(out, "%s{\"iommu\": ", j ? ", " : "");
		json_str(out, p->name);
		fprintf(out, ", \"format\": \"%s\", \"master\": ", plat_fmt_name(p->fmt));
		json_str(out, d->masters[j].name);
		fprintf(out, ", \"tlb\": %u, "
		       "\"ways\": %u, \"lookups\": %llu, \"hits\": %llu, \"misses\": %llu, "
		       "\"evictions\": %llu, \"walks\": %llu, \"walk_reads\": %llu, \"faults\": %llu, "
		       "\"invalidations\": %llu, \"bytes\": %llu}", p->tlb, p->ways,
		       (unsigned long long)st->lookups, (unsigned long long)st->hits,
		       (unsigned long long)st->misses, (unsigned long long)st->evictions,
		       (unsigned long long)st->walks, (unsigned long long)st->walk_reads,
		       (unsigned long long)st->faults, (unsigned long long)st->invalidations,
		       (unsigned long long)st->bytes);
	}
	fprintf(out, "]}");
}

/* What the command line asks for. */
struct run_args {
	const char *platform, *clip, *out_dir, *dtb, *decoder, *display;
	bool json, quiet;
	uint64_t frames;
};

/*
 * --out must name a folder and leave room for the longest PNG name under it,
 * frame 2^32 - 1, within PATH_MAX: checked before any work, never found out
 * at a frame.
 */
static int check_out_dir(struct cli_arg *a, const char *out_dir)
{
	size_t n = strlen(out_dir);

	if (n == 0) {
		a->opt = "--out";
		a->val = NULL;
		return cli_error(a, "the folder name is empty");
	}
	if (n > PATH_MAX - sizeof(RUN_PNG_NAME_LONGEST)) {
		a->opt = "--out";
		a->val = NULL;
		return cli_error(a, "a folder name of %zu bytes leaves no room for the PNG names "
				 "(\"%s\"): at most %zu bytes", n, RUN_PNG_NAME_LONGEST,
				 (size_t)PATH_MAX - sizeof(RUN_PNG_NAME_LONGEST));
	}
	return 0;
}

/* The arguments into @r. Return: 0, or CLI_EXIT_USAGE after the message. */
static int parse_args(int argc, char **argv, struct run_args *r)
{
	struct cli_arg a = { "run", NULL, NULL };

	for (int i = 0; i < argc; i++) {
		a.opt = argv[i];
		a.val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--json") == 0) {
			r->json = true;
		} else if (strcmp(argv[i], "--quiet") == 0) {
			r->quiet = true;
		} else if (strcmp(argv[i], "--dtb") == 0 || strcmp(argv[i], "--decoder") == 0 ||
			   strcmp(argv[i], "--display") == 0) {
			if (cli_need_value(&a) != 0)
				return CLI_EXIT_USAGE;
			if (strcmp(argv[i], "--dtb") == 0)
				r->dtb = a.val;
			else if (strcmp(argv[i], "--decoder") == 0)
				r->decoder = a.val;
			else
				r->display = a.val;
			i++;
		} else if (strcmp(argv[i], "--platform") == 0 || strcmp(argv[i], "--out") == 0 ||
			   strcmp(argv[i], "--frames") == 0) {
			if (cli_need_value(&a) != 0)
				return CLI_EXIT_USAGE;
			if (argv[i][2] == 'p')
				r->platform = a.val;
			else if (argv[i][2] == 'o')
				r->out_dir = a.val;
			else if (cli_parse_range(&a, "N", a.val, 1, UINT32_MAX, &r->frames) != 0)
				return CLI_EXIT_USAGE;
			i++;
		} else if (argv[i][0] == '-') {
			a.val = NULL;
			return cli_error(&a, "unknown option (see vcm help run)");
		} else if (r->clip == NULL) {
			r->clip = argv[i];
		} else {
			a.val = NULL;
			return cli_error(&a, "a second clip (one is played at a time)");
		}
	}
	a.val = NULL;
	a.opt = r->dtb != NULL ? "--dtb" : r->decoder != NULL ? "--decoder" : "--display";
	if (r->dtb != NULL && r->platform != NULL)
		return cli_error(&a, "and --platform both describe the SoC: one only");
	if (r->dtb != NULL && (r->decoder == NULL || r->display == NULL))
		return cli_error(&a, "needs --decoder NODE and --display NODE");
	if (r->dtb == NULL && (r->decoder != NULL || r->display != NULL))
		return cli_error(&a, "is for --dtb");
	return check_out_dir(&a, r->out_dir);
}

/* The error object of --json: the one document on stdout when the run is refused. */
static void print_json_error(const char *err, const char *clip)
{
	printf("{\n  \"error\": ");
	json_str(stdout, err);
	printf(",\n  \"clip\": ");
	json_str(stdout, clip != NULL ? clip : "");
	printf("\n}\n");
}

/*
 * A refused command line: the message is on stderr; with --json anywhere on
 * it (even where parsing stopped before reaching it, or as a value), the
 * error object on stdout too, as for any other refusal.
 */
static int refuse_args(int argc, char **argv, const struct run_args *r)
{
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			print_json_error(cli_last_error(), r->clip);
			fflush(stdout);
			break;
		}
	}
	return CLI_EXIT_USAGE;
}

static int run(int argc, char **argv)
{
	struct run_args ra = { .out_dir = "vcm-out" };
	struct plat_desc d;
	struct run_opts o = { 0 };
	struct run_result mx = { 0 }, k4 = { 0 };
	struct printer pr = { false, NULL, plat_builtin_name };
	const char *platform, *clip, *out_dir, *dtb, *decoder, *display;
	static struct dt_topo topo; /* large: not on the stack */
	char plat_text[1024];
	char err[1024], exe[PATH_MAX], clip_path[PATH_MAX], made[4096] = "";
	char *doc = NULL;
	size_t doclen = 0;
	FILE *probe;
	bool quiet;
	uint64_t frames;
	int rc = CLI_EXIT_FAILED;

	if (parse_args(argc, argv, &ra) != 0)
		return refuse_args(argc, argv, &ra);
	platform = ra.platform;
	clip = ra.clip;
	out_dir = ra.out_dir;
	dtb = ra.dtb;
	decoder = ra.decoder;
	display = ra.display;
	pr.json = ra.json;
	quiet = ra.quiet;
	frames = ra.frames;
	/* JSON is built aside and printed whole: on failure, one error object instead */
	if (pr.json && (pr.out = open_memstream(&doc, &doclen)) == NULL) {
		snprintf(err, sizeof(err), "out of memory");
		goto fail;
	}
	if (clip == NULL && (clip = default_clip(clip_path, sizeof(clip_path), err, sizeof(err))) == NULL)
		goto fail;
	if (dtb != NULL) {
		if (dt_load(dtb, &topo, err, sizeof(err)) != 0 ||
		    dt_platform_text(&topo, decoder, display, plat_text, sizeof(plat_text), err,
				     sizeof(err)) != 0 ||
		    plat_parse(plat_text, dtb, &d, err, sizeof(err)) != 0)
			goto fail;
		pr.platform = dtb;
	} else if (platform != NULL) {
		if (plat_load(platform, &d, err, sizeof(err)) != 0)
			goto fail;
		pr.platform = platform;
	} else if (plat_parse(plat_builtin_text, plat_builtin_name, &d, err, sizeof(err)) != 0) {
		goto fail;
	}
	/* a clip that cannot be read stops the run before anything is printed or made */
	if ((probe = fopen(clip, "rb")) == NULL) {
		snprintf(err, sizeof(err), "%.900s: cannot open the clip: %s", clip,
			 strerror(errno));
		goto fail;
	}
	fclose(probe);
	if (cli_make_dir("--out", out_dir, made, sizeof(made), err, sizeof(err)) != 0)
		goto fail;
	o.clip = clip;
	o.out_dir = out_dir;
	o.max_frames = (unsigned int)frames;
	o.progress = !quiet && isatty(2);
	o.on_built = print_built;
	o.arg = &pr;
	if (pr.json) {
		fprintf(pr.out, "{\n  \"clip\": ");
		json_str(pr.out, clip);
		fprintf(pr.out, ",\n  \"platform\": ");
		json_str(pr.out, pr.platform);
		fprintf(pr.out, ",\n  \"out\": ");
		json_str(pr.out, out_dir);
		fprintf(pr.out, ",\n");
	} else {
		printf("vcm run: clip %s, platform %s\n", clip, pr.platform);
		fflush(stdout);
	}
	if (pipeline_run(&d, &o, &mx, err, sizeof(err)) != 0)
		goto fail;
	o.out_dir = NULL;
	o.small_only = true;
	o.on_built = NULL;
	o.max_frames = mx.frames;
	if (pipeline_run(&d, &o, &k4, err, sizeof(err)) != 0)
		goto fail;
	for (unsigned int n = 0; n < mx.frames; n++) {
		if (n >= k4.frames || mx.hashes[n] != k4.hashes[n]) {
			snprintf(err, sizeof(err), "frame %u: the 4 KiB-only run scanned out other "
				 "bytes than the mixed run", n + 1);
			goto fail;
		}
	}
	if (pr.json) {
		fprintf(pr.out, "  \"frames\": %u,\n  \"width\": %u,\n  \"height\": %u,\n"
			"  \"format\": \"%s\",\n  \"dma_chunks\": %llu,\n  \"dma_bytes\": %llu,\n"
			"  \"png\": ", mx.frames, mx.width, mx.height, mx.kind,
			(unsigned long long)mx.dma_chunks, (unsigned long long)mx.dma_bytes);
		snprintf(exe, sizeof(exe), "%s/frame-%%04u.png", out_dir);
		json_str(pr.out, exe);
		fprintf(pr.out, ",\n  \"runs\": {\n");
		json_run(pr.out, &d, &mx, "mixed");
		fprintf(pr.out, ",\n");
		json_run(pr.out, &d, &k4, "4k-only");
		fprintf(pr.out, "\n  }\n}\n");
		fclose(pr.out);
		pr.out = NULL;
		fwrite(doc, 1, doclen, stdout);
	} else {
		print_text(&d, &mx, &k4, out_dir);
	}
	rc = CLI_EXIT_OK;
	goto out;
fail:
	if (mx.frames == 0)
		cli_remove_made(out_dir, made);
	/* one valid document on stdout whatever happened, the message on stderr too */
	if (pr.json)
		print_json_error(err, clip);
	fflush(stdout);
	fprintf(stderr, "vcm run: %s\n", err);
out:
	if (pr.out != NULL)
		fclose(pr.out);
	free(doc);
	free(mx.hashes);
	free(k4.hashes);
	return rc;
}

const struct cli_cmd cli_cmd_run = {
	.name = "run",
	.summary = "play a clip through the simulated SoC (DMA, decoder, CPU, display)",
	.run = run,
	.usage = usage,
};
