// SPDX-License-Identifier: MIT
/*
 * PNG output with libpng; its errors come back through setjmp as messages.
 * The file is written through write_data() below, which keeps the errno of
 * a failed write (libpng's own says only "Write Error"), and a PNG that
 * cannot be finished is removed: a truncated image is never left behind.
 */
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "png_out.h"

struct png_out {
	FILE *f;
	png_structp png;
	png_infop info;
	unsigned int rows_left;
	int write_errno;       /* of the write that failed, 0: none */
	char msg[160];
	char path[];
};

static void on_error(png_structp png, png_const_charp msg)
{
	struct png_out *p = png_get_error_ptr(png);

	snprintf(p->msg, sizeof(p->msg), "libpng: %s", msg);
	png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

static void write_data(png_structp png, png_bytep data, size_t len)
{
	struct png_out *p = png_get_io_ptr(png);

	errno = 0;
	if (fwrite(data, 1, len, p->f) != len) {
		p->write_errno = errno != 0 ? errno : EIO;
		png_error(png, "write failed");
	}
}

static void flush_data(png_structp png)
{
	struct png_out *p = png_get_io_ptr(png);

	errno = 0;
	if (fflush(p->f) != 0) {
		p->write_errno = errno != 0 ? errno : EIO;
		png_error(png, "write failed");
	}
}

/* The message of a libpng error: the file and errno when a write failed. */
static void error_text(const struct png_out *p, char *err, size_t errlen)
{
	if (p->write_errno != 0)
		snprintf(err, errlen, "%s: cannot write: %s", p->path, strerror(p->write_errno));
	else
		snprintf(err, errlen, "%s: %s", p->path, p->msg);
}

struct png_out *png_out_open(const char *path, unsigned int w, unsigned int h, char *err,
			     size_t errlen)
{
	struct png_out *volatile p = calloc(1, sizeof(*p) + strlen(path) + 1);

	if (p == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	strcpy(p->path, path);
	p->f = fopen(path, "wb");
	if (p->f == NULL) {
		snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
		free(p);
		return NULL;
	}
	p->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, p, on_error, on_warning);
	if (p->png != NULL)
		p->info = png_create_info_struct(p->png);
	if (p->png == NULL || p->info == NULL) {
		snprintf(err, errlen, "%s: libpng: out of memory", path);
		png_destroy_write_struct(&p->png, &p->info);
		fclose(p->f);
		free(p);
		return NULL;
	}
	if (setjmp(png_jmpbuf(p->png)) != 0) {
		error_text(p, err, errlen);
		png_destroy_write_struct(&p->png, &p->info);
		fclose(p->f);
		remove(path);
		free(p);
		return NULL;
	}
	png_set_write_fn(p->png, p, write_data, flush_data);
	png_set_IHDR(p->png, p->info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_set_compression_level(p->png, 1);
	png_write_info(p->png, p->info);
	p->rows_left = h;
	return p;
}

int png_out_row(struct png_out *p, const uint8_t *row, char *err, size_t errlen)
{
	if (setjmp(png_jmpbuf(p->png)) != 0) {
		error_text(p, err, errlen);
		return -1;
	}
	png_write_row(p->png, row);
	p->rows_left--;
	return 0;
}

int png_out_close(struct png_out *p, char *err, size_t errlen)
{
	volatile int r = 0;

	if (p == NULL)
		return 0;
	if (setjmp(png_jmpbuf(p->png)) != 0) {
		error_text(p, err, errlen);
		r = -1;
	} else if (p->rows_left == 0) {
		png_write_end(p->png, NULL);
	}
	png_destroy_write_struct(&p->png, &p->info);
	/* the last buffered bytes reach the file here: a full disk may show only now */
	if (fclose(p->f) != 0 && r == 0) {
		snprintf(err, errlen, "%s: cannot write: %s", p->path, strerror(errno));
		r = -1;
	}
	/* failed, or abandoned before its last row: not an image, so not left */
	if (r != 0 || p->rows_left != 0)
		remove(p->path);
	free(p);
	return r;
}
