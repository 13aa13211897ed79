// SPDX-License-Identifier: MIT
/*
 * The memory card, the DMA engine's loads and the decoder's stream parsing.
 * Offsets in messages are offsets in the input file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <vcm/err.h>
#include "clip.h"

#define MAX_FRAME_BYTES (UINT64_C(16) << 20) /* a frame larger than the frame buffer */

static int failf(struct clip *c, char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static int failf(struct clip *c, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s: ", c->path);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * One 64 KiB chunk from the card: the DMA engine writes it into the next
 * bitstream buffer by its scatter list (no MMU), then the decoder reads that
 * buffer through its IOMMU. Return: bytes added to the window, 0 at the end.
 */
static int load_chunk(struct clip *c, char *err, size_t errlen)
{
	struct soc *s = c->soc;
	struct vcm_mem *m = s->stream_mem[c->next_buf];
	struct vcm_sim_sg sg[16];
	size_t nsg = 0, got;
	uint64_t it = 0, len;
	vcm_pa_t pa;
	int r;

	if (c->card_off >= c->file_len)
		return 0;
	got = fread(c->bounce, 1, SOC_STREAM_LEN, c->f);
	if (got == 0)
		return failf(c, err, errlen, "byte offset %llu: read failed: %s",
			     (unsigned long long)c->card_off, ferror(c->f) ? strerror(errno) : "end of file");
	while (nsg < 16 && vcm_mem_next_extent(m, &it, &pa, &len) == 0)
		sg[nsg++] = (struct vcm_sim_sg){ pa, len };
	r = vcm_sim_dma_to_mem(s->dma, sg, nsg, c->bounce, got);
	if (r != 0)
		return failf(c, err, errlen, "DMA engine: %s (%s)", vcm_sim_dma_last_error(s->dma),
			     vcm_strerror(r));
	if (c->win_len + got > c->win_cap) {
		size_t cap = c->win_cap * 2 > c->win_len + got ? c->win_cap * 2 : c->win_len + got;
		uint8_t *w = realloc(c->win, cap);

		if (w == NULL)
			return failf(c, err, errlen, "out of memory for the stream window");
		c->win = w;
		c->win_cap = cap;
	}
	r = vcm_sim_iommu_read(soc_iommu_of(s, s->decoder), 0,
			       vcm_get_dev_addr(s->stream_res[c->next_buf]), c->win + c->win_len, got);
	if (r != 0)
		return failf(c, err, errlen, "decoder reading the bitstream buffer: %s (%s)",
			     vcm_sim_iommu_last_error(soc_iommu_of(s, s->decoder)), vcm_strerror(r));
	c->win_len += got;
	c->card_off += got;
	c->next_buf = (c->next_buf + 1) % SOC_STREAM_BUFS;
	c->dma_chunks++;
	return (int)got;
}

/*
 * Make @n bytes from c->pos available; 0, 1 short at the end of the card, -1 error.
 * c->pos never passes c->win_len (every step forward is checked by a need()
 * first); were it to, win_len - pos would wrap and the window be read past
 * its end, so that is refused here rather than trusted.
 */
static int need(struct clip *c, size_t n, char *err, size_t errlen)
{
	if (c->pos > c->win_len)
		return failf(c, err, errlen, "byte offset %llu: internal error: read position past "
			     "the stream window", (unsigned long long)(c->win_off + c->pos));
	if (c->pos > 0 && c->win_len - c->pos < n) {
		/* drop what was consumed before loading more */
		memmove(c->win, c->win + c->pos, c->win_len - c->pos);
		c->win_len -= c->pos;
		c->win_off += c->pos;
		c->pos = 0;
	}
	while (c->win_len - c->pos < n) {
		int r = load_chunk(c, err, errlen);

		if (r < 0)
			return -1;
		if (r == 0)
			return 1;
	}
	return 0;
}

static unsigned long long at(const struct clip *c, size_t off)
{
	return (unsigned long long)(c->win_off + off);
}

/*
 * Find the end of the JPEG starting at c->pos (FF D8): walk its marker
 * segments, and through the entropy-coded data after SOS to the next marker,
 * until EOI. *@len receives its length.
 */
static int jpeg_extent(struct clip *c, size_t *len, char *err, size_t errlen)
{
	size_t p = 2, start_abs = (size_t)at(c, c->pos);
	int r;

#define NEED(n) do { \
		if (p + (n) > MAX_FRAME_BYTES) \
			return failf(c, err, errlen, "frame %u at byte offset %zu: no end-of-image " \
				     "marker within %llu MiB", c->frames + 1, start_abs, \
				     (unsigned long long)(MAX_FRAME_BYTES >> 20)); \
		r = need(c, p + (n), err, errlen); \
		if (r < 0) \
			return -1; \
		if (r > 0) \
			return failf(c, err, errlen, "frame %u at byte offset %zu: truncated: the " \
				     "stream ends at byte %llu inside the JPEG, before its end-of-image " \
				     "marker (FF D9)", c->frames + 1, start_abs, \
				     (unsigned long long)c->file_len); \
	} while (0)

	for (;;) {
		const uint8_t *b;
		unsigned int m;

		NEED(2);
		b = c->win + c->pos + p;
		if (b[0] != 0xff)
			return failf(c, err, errlen, "frame %u: byte offset %llu: corrupt JPEG: expected "
				     "a marker (FF xx), found %02X", c->frames + 1, at(c, c->pos + p), b[0]);
		m = b[1];
		if (m == 0xff) { /* fill byte */
			p++;
			continue;
		}
		p += 2;
		if (m == 0xd9)
			break;
		if ((m >= 0xd0 && m <= 0xd7) || m == 0x01)
			continue;
		if (m == 0xd8 || m == 0x00)
			return failf(c, err, errlen, "frame %u: byte offset %llu: corrupt JPEG: marker "
				     "FF %02X where a segment was expected", c->frames + 1,
				     at(c, c->pos + p - 2), m);
		NEED(2);
		b = c->win + c->pos + p;
		{
			size_t seg = ((size_t)b[0] << 8) | b[1];

			if (seg < 2)
				return failf(c, err, errlen, "frame %u: byte offset %llu: corrupt JPEG: "
					     "segment FF %02X has length %zu", c->frames + 1,
					     at(c, c->pos + p), m, seg);
			NEED(seg);
			p += seg;
		}
		if (m != 0xda)
			continue;
		/* entropy-coded data: up to a marker that is not stuffing or a restart */
		for (;;) {
			NEED(2);
			b = c->win + c->pos + p;
			if (b[0] == 0xff && b[1] != 0x00 && !(b[1] >= 0xd0 && b[1] <= 0xd7))
				break;
			p++;
		}
	}
#undef NEED
	*len = p;
	return 0;
}

static int tj_fail(struct clip *c, char *err, size_t errlen, unsigned long long off)
{
	return failf(c, err, errlen, "frame %u at byte offset %llu: corrupt JPEG: libturbojpeg: %s",
		     c->frames + 1, off, tjGetErrorStr2(c->tj));
}

static int set_size(struct clip *c, unsigned long long off, int w, int h, char *err,
		    size_t errlen)
{
	if (w <= 0 || h <= 0 || (uint64_t)w * (uint64_t)h * 3U > SOC_FRAMEBUF_LEN)
		return failf(c, err, errlen, "frame %u at byte offset %llu: %dx%d does not fit the "
			     "16 MiB frame buffer", c->frames + 1, off, w, h);
	if (c->width == 0) {
		c->width = (unsigned int)w;
		c->height = (unsigned int)h;
	} else if ((unsigned int)w != c->width || (unsigned int)h != c->height) {
		return failf(c, err, errlen, "frame %u at byte offset %llu: %dx%d differs from the "
			     "clip's %ux%u", c->frames + 1, off, w, h, c->width, c->height);
	}
	return 0;
}

/*
 * The JPEG of @len bytes at c->pos: its size (checked against the clip's)
 * and, unless @header_only, its pixels into @rgb. Does not move c->pos.
 */
static int decode_jpeg(struct clip *c, size_t len, uint8_t *rgb, bool header_only,
		       unsigned long long off, char *err, size_t errlen)
{
	int w = 0, h = 0, sub, cs;

	if (tjDecompressHeader3(c->tj, c->win + c->pos, (unsigned long)len, &w, &h, &sub, &cs) != 0)
		return tj_fail(c, err, errlen, off);
	/*
	 * A stream of tables only (FF D8 FF D9, or FF D8 cut short, which the
	 * library ends with a fake EOI) is read without error but sets no size.
	 */
	if (w == 0 && h == 0)
		return failf(c, err, errlen, "frame %u at byte offset %llu: no image in the JPEG (it "
			     "ends before any frame header)", c->frames + 1, off);
	if (set_size(c, off, w, h, err, errlen) != 0)
		return -1;
	if (!header_only && tjDecompress2(c->tj, c->win + c->pos, (unsigned long)len, rgb, w, 0, h,
					  TJPF_RGB, CLIP_TJ_FLAGS) != 0)
		return tj_fail(c, err, errlen, off);
	return 0;
}

static int next_mjpeg(struct clip *c, uint8_t *rgb, bool header_only, char *err, size_t errlen)
{
	size_t len = 0;
	unsigned long long off;
	int r;

	r = need(c, 2, err, errlen);
	if (r < 0)
		return -1;
	if (c->win_len == c->pos)
		return 0;
	off = at(c, c->pos);
	if (r > 0 || c->win[c->pos] != 0xff || c->win[c->pos + 1] != 0xd8)
		return failf(c, err, errlen, "byte offset %llu: expected the start of JPEG frame %u "
			     "(FF D8), found %02X%s", off, c->frames + 1, c->win[c->pos],
			     r > 0 ? " and the end of the stream" : "");
	if (jpeg_extent(c, &len, err, errlen) != 0)
		return -1;
	if (decode_jpeg(c, len, rgb, header_only, off, err, errlen) != 0)
		return -1;
	if (header_only)
		return 1;
	c->pos += len;
	c->frames++;
	return 1;
}

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static bool fourcc(const uint8_t *b, const char *cc)
{
	return memcmp(b, cc, 4) == 0;
}

/*
 * The four bytes at @b for a message: printable ASCII as it is, any other
 * byte as \xHH, so that a broken file neither cuts the message at a NUL nor
 * puts bytes in it that are not text.
 */
static const char *fourcc_text(const uint8_t *b, char out[17])
{
	char *p = out;

	for (int i = 0; i < 4; i++) {
		if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '\\')
			*p++ = (char)b[i];
		else
			p += sprintf(p, "\\x%02X", b[i]);
	}
	*p = '\0';
	return out;
}

/* A video chunk of stream NN: "NNdc" (compressed) or "NNdb" (uncompressed DIB). */
static bool video_chunk(const uint8_t *b)
{
	/* NNdc: compressed video; NNdb (uncompressed DIB) is stepped over like the rest */
	return b[0] >= '0' && b[0] <= '9' && b[1] >= '0' && b[1] <= '9' && b[2] == 'd' &&
	       b[3] == 'c';
}

/*
 * AVI (RIFF 'AVI ' and the 'AVIX' parts of OpenDML files): walk the chunks
 * from c->pos to the next non-empty video chunk of the 'movi' list. The lists
 * that hold frames ('movi', 'rec ') are entered; every other chunk is skipped
 * whole, its data padded to an even length. Leaves c->pos on the frame's
 * first byte and its length in *@len. Return: 1 a frame, 0 the end, -1 error.
 */
static int avi_seek_frame(struct clip *c, size_t *len, char *err, size_t errlen)
{
	for (;;) {
		unsigned long long off;
		const uint8_t *b;
		uint64_t size, skip;
		char cc[17];
		int r = need(c, 8, err, errlen);

		if (r < 0)
			return -1;
		if (c->win_len == c->pos)
			return 0;
		off = at(c, c->pos);
		b = c->win + c->pos;
		if (r > 0) {
			/* the id alone already says a cut chunk is no frame (a trailing idx1) */
			if (c->win_len - c->pos >= 4 && !video_chunk(b) && !fourcc(b, "RIFF") &&
			    !fourcc(b, "LIST")) {
				c->pos = c->win_len;
				return 0;
			}
			return failf(c, err, errlen, "byte offset %llu: AVI: the file ends inside a "
				     "chunk header", off);
		}
		size = le32(b + 4);
		if (fourcc(b, "RIFF") || fourcc(b, "LIST")) {
			if (size < 4)
				return failf(c, err, errlen, "byte offset %llu: AVI: %s of %llu bytes "
					     "holds no list type", off, fourcc_text(b, cc),
					     (unsigned long long)size);
			r = need(c, 12, err, errlen);
			if (r < 0)
				return -1;
			if (r > 0)
				return failf(c, err, errlen, "byte offset %llu: AVI: the file ends "
					     "inside a list header", off);
			b = c->win + c->pos;
			if ((fourcc(b, "RIFF") && (fourcc(b + 8, "AVI ") || fourcc(b + 8, "AVIX"))) ||
			    (fourcc(b, "LIST") && (fourcc(b + 8, "movi") || fourcc(b + 8, "rec ")))) {
				c->pos += 12;
				continue;
			}
		} else if (video_chunk(b) && size != 0) {
			if (size > MAX_FRAME_BYTES)
				return failf(c, err, errlen, "frame %u at byte offset %llu: AVI: chunk "
					     "%s of %llu bytes is larger than %llu MiB", c->frames + 1,
					     off, fourcc_text(b, cc), (unsigned long long)size,
					     (unsigned long long)(MAX_FRAME_BYTES >> 20));
			c->pos += 8;
			r = need(c, (size_t)size, err, errlen);
			if (r < 0)
				return -1;
			if (r > 0)
				return failf(c, err, errlen, "frame %u at byte offset %llu: truncated: "
					     "the chunk says %llu bytes, the file ends at byte %llu",
					     c->frames + 1, off, (unsigned long long)size,
					     (unsigned long long)c->file_len);
			*len = (size_t)size;
			return 1;
		}
		/* anything else (headers, audio, JUNK, idx1, an empty frame) is skipped */
		if (size > MAX_FRAME_BYTES)
			return failf(c, err, errlen, "byte offset %llu: AVI: chunk %s of %llu bytes "
				     "is larger than %llu MiB", off, fourcc_text(b, cc),
				     (unsigned long long)size,
				     (unsigned long long)(MAX_FRAME_BYTES >> 20));
		skip = 8 + size + (size & 1U);
		r = need(c, (size_t)skip, err, errlen);
		if (r < 0)
			return -1;
		if (r > 0) {
			/* a chunk cut short at the very end (often idx1) holds no frame */
			c->pos = c->win_len;
			return 0;
		}
		c->pos += (size_t)skip;
	}
}

static int next_avi(struct clip *c, uint8_t *rgb, bool header_only, char *err, size_t errlen)
{
	unsigned long long off;
	size_t len = c->avi_pending;
	int r = 1;

	/* clip_open() has already found the first frame: start there */
	if (len == 0)
		r = avi_seek_frame(c, &len, err, errlen);
	c->avi_pending = 0;
	if (r <= 0)
		return r;
	/* the chunk's own offset, its 8-byte header before the data (as the other refusals) */
	off = at(c, c->pos) - 8U;
	if (len < 2 || c->win[c->pos] != 0xff || c->win[c->pos + 1] != 0xd8)
		return failf(c, err, errlen, "frame %u at byte offset %llu: AVI: the video chunk "
			     "does not start with a JPEG (FF D8); only Motion-JPEG AVI is played",
			     c->frames + 1, off);
	if (decode_jpeg(c, len, rgb, header_only, off, err, errlen) != 0)
		return -1;
	if (header_only) {
		c->avi_pending = len;
		return 1;
	}
	c->pos += len;
	c->frames++;
	/*
	 * An odd chunk is followed by a pad byte, which may be in the next load
	 * or, in a file cut right after the frame, missing: that is the end.
	 */
	if ((len & 1U) != 0) {
		r = need(c, 1, err, errlen);
		if (r < 0)
			return -1;
		if (r == 0)
			c->pos++;
	}
	return 1;
}

static int y4m_header(struct clip *c, char *err, size_t errlen)
{
	char line[256], why[200];
	size_t n = 0, at;

	for (;;) {
		if (need(c, n + 1, err, errlen) != 0 || n + 1 >= sizeof(line))
			return failf(c, err, errlen, "byte offset 0: Y4M header: no end of line within "
				     "%zu bytes", n);
		if (c->win[n] == '\n')
			break;
		line[n] = (char)c->win[n];
		n++;
	}
	line[n] = '\0';
	if (strncmp(line, "YUV4MPEG2 ", 10) != 0)
		return failf(c, err, errlen, "byte offset 0: Y4M header must start with \"YUV4MPEG2 \"");
	if (y4m_parse(line + 10, &c->y4m, why, sizeof(why), &at) != 0)
		return at == Y4M_AT_HEADER ?
			failf(c, err, errlen, "byte offset 0: Y4M header %s", why) :
			failf(c, err, errlen, "byte offset %zu: Y4M header: %s", at + 10, why);
	if (set_size(c, 0, (int)c->y4m.w, (int)c->y4m.h, err, errlen) != 0)
		return -1;
	c->pos = n + 1;
	return 0;
}

static int next_y4m(struct clip *c, uint8_t *rgb, char *err, size_t errlen)
{
	size_t n = 0;
	unsigned long long off;
	int r = need(c, 1, err, errlen);

	if (r < 0)
		return -1;
	if (c->win_len == c->pos)
		return 0;
	off = at(c, c->pos);
	for (;;) {
		r = need(c, n + 1, err, errlen);
		if (r < 0)
			return -1;
		if (r > 0 || n > 256)
			return failf(c, err, errlen, "frame %u at byte offset %llu: frame header has no "
				     "end of line", c->frames + 1, off);
		if (c->win[c->pos + n] == '\n')
			break;
		n++;
	}
	if (n < 5 || memcmp(c->win + c->pos, "FRAME", 5) != 0 || (n > 5 && c->win[c->pos + 5] != ' '))
		return failf(c, err, errlen, "frame %u at byte offset %llu: expected \"FRAME\"",
			     c->frames + 1, off);
	r = need(c, n + 1 + c->y4m.frame_bytes, err, errlen);
	if (r < 0)
		return -1;
	if (r > 0)
		return failf(c, err, errlen, "frame %u at byte offset %llu: truncated: the frame needs "
			     "%zu bytes of planes, the stream has %zu", c->frames + 1, off,
			     c->y4m.frame_bytes, c->win_len - c->pos - n - 1);
	y4m_to_rgb(&c->y4m, c->win + c->pos + n + 1, rgb);
	c->pos += n + 1 + c->y4m.frame_bytes;
	c->frames++;
	return 1;
}

int clip_open(struct clip *c, struct soc *soc, const char *path, char *err, size_t errlen)
{
	char cc[17];
	long len;
	int r;

	memset(c, 0, sizeof(*c));
	c->path = path;
	c->soc = soc;
	c->f = fopen(path, "rb");
	if (c->f == NULL)
		return failf(c, err, errlen, "cannot open the clip: %s", strerror(errno));
	if (fseek(c->f, 0, SEEK_END) != 0 || (len = ftell(c->f)) < 0 || fseek(c->f, 0, SEEK_SET) != 0)
		return failf(c, err, errlen, "not a regular file");
	c->file_len = (uint64_t)len;
	if (len == 0)
		return failf(c, err, errlen, "byte offset 0: the clip is empty");
	c->bounce = malloc(SOC_STREAM_LEN);
	c->tj = tjInitDecompress();
	if (c->bounce == NULL || c->tj == NULL)
		return failf(c, err, errlen, "out of memory");
	if (need(c, 12, err, errlen) < 0)
		return -1;
	if (c->win_len >= 2 && c->win[0] == 0xff && c->win[1] == 0xd8) {
		c->kind = CLIP_MJPEG;
		return next_mjpeg(c, NULL, true, err, errlen) == 1 ? 0 : -1;
	}
	if (c->win_len >= 12 && memcmp(c->win, "RIFF", 4) == 0) {
		if (memcmp(c->win + 8, "AVI ", 4) != 0)
			return failf(c, err, errlen, "byte offset 8: a RIFF file of type \"%s\", not "
				     "AVI", fourcc_text(c->win + 8, cc));
		c->kind = CLIP_AVI;
		r = next_avi(c, NULL, true, err, errlen);
		if (r == 0) /* every chunk read, none a video frame */
			return failf(c, err, errlen, "AVI: no video frame (a '##dc' chunk "
				     "of the 'movi' list) in the file's %llu bytes",
				     (unsigned long long)c->file_len);
		return r == 1 ? 0 : -1;
	}
	/* "RIFF" cut before its form type: a truncated AVI, not an unknown format */
	if (c->win_len >= 4 && memcmp(c->win, "RIFF", 4) == 0)
		return failf(c, err, errlen, "byte offset 0: truncated AVI: its RIFF header needs "
			     "12 bytes, the file ends at byte %llu", (unsigned long long)c->file_len);
	if (c->win_len >= 4 && memcmp(c->win, "YUV4", 4) == 0) {
		c->kind = CLIP_Y4M;
		return y4m_header(c, err, errlen);
	}
	return failf(c, err, errlen, "byte offset 0: neither Motion-JPEG (starts FF D8), AVI "
		     "(starts \"RIFF\") nor Y4M (starts \"YUV4MPEG2 \")");
}

int clip_next(struct clip *c, uint8_t *rgb, char *err, size_t errlen)
{
	if (c->kind == CLIP_MJPEG)
		return next_mjpeg(c, rgb, false, err, errlen);
	if (c->kind == CLIP_AVI)
		return next_avi(c, rgb, false, err, errlen);
	return next_y4m(c, rgb, err, errlen);
}

void clip_close(struct clip *c)
{
	if (c->f != NULL)
		fclose(c->f);
	if (c->tj != NULL)
		tjDestroy(c->tj);
	free(c->bounce);
	free(c->win);
	memset(c, 0, sizeof(*c));
}
