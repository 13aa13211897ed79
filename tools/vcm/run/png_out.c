// SPDX-License-Identifier: MIT
/* PNG output with libpng; its errors come back through setjmp as messages. */
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
	char msg[160];
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

struct png_out *png_out_open(const char *path, unsigned int w, unsigned int h, char *err,
			     size_t errlen)
{
	struct png_out *volatile p = calloc(1, sizeof(*p));

	if (p == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
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
		snprintf(err, errlen, "%s: %s", path, p->msg);
		png_destroy_write_struct(&p->png, &p->info);
		fclose(p->f);
		free(p);
		return NULL;
	}
	png_init_io(p->png, p->f);
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
		snprintf(err, errlen, "%s", p->msg);
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
		snprintf(err, errlen, "%s", p->msg);
		r = -1;
	} else if (p->rows_left == 0) {
		png_write_end(p->png, NULL);
	}
	png_destroy_write_struct(&p->png, &p->info);
	if (fclose(p->f) != 0 && r == 0) {
		snprintf(err, errlen, "closing the PNG: %s", strerror(errno));
		r = -1;
	}
	free(p);
	return r;
}
