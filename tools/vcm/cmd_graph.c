// SPDX-License-Identifier: MIT
/*
 * vcm graph: build the SoC of a platform description with the buffers of the
 * video-playback example, and write its mapping graph as Graphviz DOT
 * (DIR/graph.dot), SVG when `dot` is installed (DIR/graph.svg) and JSON
 * (DIR/graph.json); the text form goes to stdout.
 *
 *   vcm graph [--platform FILE] [--out DIR] [--4k]
 *   vcm graph --dtb FILE.dtb|FILE.dts [--out DIR]
 *
 * With --dtb, the graph is the device tree's topology (dt/topo.h): memory,
 * IOMMUs with the format their compatible implies, and their masters.
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"
#include "run/platform.h"
#include "run/soc.h"
#include "dt/topo_out.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vcm graph [--platform FILE] [--out DIR] [--4k]\n"
		"       vcm graph --dtb FILE.dtb|FILE.dts [--out DIR] [--json]\n"
		"Builds the SoC and the video-playback buffers and writes the mapping graph:\n"
		"DIR/graph.dot, DIR/graph.svg (when Graphviz `dot` is installed), DIR/graph.json;\n"
		"the text form goes to stdout.\n"
		"  --platform FILE   SoC description (default: the built-in video-soc)\n"
		"  --out DIR         output directory (default ./vcm-out; created with its parents)\n"
		"  --4k              the frame buffer in 4 KiB chunks, every table limited to its\n"
		"                    smallest page (the second run of vcm run)\n"
		"  --dtb FILE        the topology of a device tree instead (.dts needs dtc):\n"
		"                    IOMMUs grouped with their masters, formats vcmm does not\n"
		"                    speak marked (docs/run.md, \"Device trees\")\n"
		"  --json            the JSON form to stdout instead of the text\n");
}

/* The graph of a SoC (@s) or of a device tree (@t), one of them, as DOT or JSON. */
static int write_file(const char *path, struct soc *s, const struct dt_topo *t, bool dot,
		      char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	bool bad;

	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
		return -1;
	}
	errno = 0; /* a failed write's errno, if any, is the one reported */
	if (t != NULL && dot) {
		dt_write_dot(t, f);
	} else if (t != NULL) {
		dt_write_json(t, f);
	} else if (dot) {
		soc_write_dot(s, f);
	} else {
		soc_write_json(s, f, "");
		fputc('\n', f);
	}
	bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad) {
		snprintf(err, errlen, "%s: write failed: %s", path,
			 errno != 0 ? strerror(errno) : "an error while writing");
		unlink(path);
		return -1;
	}
	return 0;
}

/*
 * Write graph.dot, then graph.json; when either fails, none of the three
 * outputs stays: a partial file, or the SVG and JSON of an earlier run beside
 * a new DOT, would not be this graph.
 */
static int write_all(const char *dot, const char *svg, const char *json, struct soc *s,
		     const struct dt_topo *t, char *err, size_t errlen)
{
	if (write_file(dot, s, t, true, err, errlen) == 0 &&
	    write_file(json, s, t, false, err, errlen) == 0)
		return 0;
	unlink(dot);
	unlink(svg);
	unlink(json);
	return -1;
}

/*
 * Run dot: 0 done, 1 it is not installed, -1 it failed, with *@why saying
 * why there is no SVG. The SVG of an earlier run is removed first, and a
 * partial one when dot fails, so that a graph.svg beside graph.dot is
 * always drawn from it.
 */
static int run_dot(const char *dot, const char *svg, const char **why)
{
	int status = 0, r = -1;
	pid_t pid;

	*why = "dot failed";
	if (unlink(svg) != 0 && errno != ENOENT) {
		*why = "the earlier one cannot be removed";
		return -1;
	}
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execlp("dot", "dot", "-Tsvg", "-o", svg, dot, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
		if (WEXITSTATUS(status) == 0)
			return 0;
		if (WEXITSTATUS(status) == 127) {
			*why = "Graphviz dot is not installed";
			r = 1;
		}
	}
	unlink(svg);
	return r;
}

/*
 * Draw the SVG when Graphviz is there and report what was written: on stdout,
 * or with @json_out (stdout holds the JSON alone) only a failure, on stderr.
 */
static void finish(const char *dot, const char *svg, const char *json, bool json_out)
{
	const char *why;
	int r = run_dot(dot, svg, &why);

	if (json_out) {
		if (r < 0)
			fprintf(stderr, "vcm graph: %s: not written (%s)\n", svg, why);
		return;
	}
	printf("wrote %s, %s", dot, json);
	if (r == 0)
		printf(", %s\n", svg);
	else
		printf("\n%s: not written (%s)\n", svg, why);
}

static int graph_dtb(const char *dtb, const char *out_dir, bool json_out, struct dt_topo *t)
{
	char err[1024], dot[4096], svg[4096], json[4096];

	if (dt_load(dtb, t, err, sizeof(err)) != 0 ||
	    cli_make_dir("--out", out_dir, NULL, 0, err, sizeof(err)) != 0)
		goto fail;
	snprintf(dot, sizeof(dot), "%s/graph.dot", out_dir);
	snprintf(svg, sizeof(svg), "%s/graph.svg", out_dir);
	snprintf(json, sizeof(json), "%s/graph.json", out_dir);
	if (write_all(dot, svg, json, NULL, t, err, sizeof(err)) != 0)
		goto fail;
	if (json_out)
		dt_write_json(t, stdout);
	else
		dt_print_text(t, stdout);
	/* the JSON is out whatever dot does */
	fflush(stdout);
	finish(dot, svg, json, json_out);
	return CLI_EXIT_OK;
fail:
	fprintf(stderr, "vcm graph: %s\n", err);
	return CLI_EXIT_FAILED;
}

static int run(int argc, char **argv)
{
	struct cli_arg a = { "graph", NULL, NULL };
	const char *platform = NULL, *out_dir = "vcm-out", *dtb = NULL;
	static struct dt_topo topo; /* large: not on the stack */
	struct plat_desc d;
	struct soc s;
	bool small = false, json_out = false;
	char err[1024], dot[4096], svg[4096], json[4096], made[4096] = "";
	int r;

	for (int i = 0; i < argc; i++) {
		a.opt = argv[i];
		a.val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--4k") == 0) {
			small = true;
		} else if (strcmp(argv[i], "--json") == 0) {
			json_out = true;
		} else if (strcmp(argv[i], "--platform") == 0 || strcmp(argv[i], "--out") == 0 ||
			   strcmp(argv[i], "--dtb") == 0) {
			if (cli_need_value(&a) != 0)
				return CLI_EXIT_USAGE;
			if (argv[i][2] == 'p')
				platform = a.val;
			else if (argv[i][2] == 'd')
				dtb = a.val;
			else
				out_dir = a.val;
			i++;
		} else {
			a.val = NULL;
			return cli_error(&a, "unknown argument (see vcm help graph)");
		}
	}
	if (out_dir[0] == '\0') {
		a.opt = "--out";
		a.val = NULL;
		return cli_error(&a, "the folder name is empty");
	}
	/* the snprintf()s of DIR/graph.* below cannot cut a name short after this */
	if (strlen(out_dir) > sizeof(dot) - sizeof("/graph.json")) {
		a.opt = "--out";
		a.val = NULL;
		return cli_error(&a, "a folder name of %zu bytes leaves no room for \"/graph.json\": "
				 "at most %zu bytes", strlen(out_dir), sizeof(dot) - sizeof("/graph.json"));
	}
	if (dtb != NULL && (platform != NULL || small)) {
		a.opt = "--dtb";
		a.val = dtb;
		return cli_error(&a, "takes neither --platform nor --4k");
	}
	if (dtb != NULL)
		return graph_dtb(dtb, out_dir, json_out, &topo);
	if (json_out) {
		a.opt = "--json";
		a.val = NULL;
		return cli_error(&a, "goes with --dtb (the SoC's JSON is DIR/graph.json)");
	}
	if (platform != NULL)
		r = plat_load(platform, &d, err, sizeof(err));
	else
		r = plat_parse(plat_builtin_text, plat_builtin_name, &d, err, sizeof(err));
	if (r != 0)
		goto fail;
	if (cli_make_dir("--out", out_dir, made, sizeof(made), err, sizeof(err)) != 0)
		goto fail;
	snprintf(dot, sizeof(dot), "%s/graph.dot", out_dir);
	snprintf(svg, sizeof(svg), "%s/graph.svg", out_dir);
	snprintf(json, sizeof(json), "%s/graph.json", out_dir);
	if (soc_build(&s, &d, small, err, sizeof(err)) != 0) {
		/* nothing written: take away the folders made for it, as vcm run does */
		cli_remove_made(out_dir, made);
		goto fail;
	}
	soc_print_graph(&s, stdout);
	r = write_all(dot, svg, json, &s, NULL, err, sizeof(err));
	soc_teardown(&s);
	if (r != 0)
		goto fail;
	finish(dot, svg, json, false);
	return CLI_EXIT_OK;
fail:
	fprintf(stderr, "vcm graph: %s\n", err);
	return CLI_EXIT_FAILED;
}

const struct cli_cmd cli_cmd_graph = {
	.name = "graph",
	.summary = "write the mapping graph as Graphviz DOT, SVG and JSON",
	.run = run,
	.usage = usage,
};
