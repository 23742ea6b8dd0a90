/* table: aligned text columns for a terminal (`redock status` and
 * `redock history`), one cell sanitiser and one line printer. */
#pragma once

#include <stddef.h>
#include <stdio.h>

/* Copy s for a terminal: control characters (an error message may hold
 * newlines, a payload anything) become '?', NULL or "" becomes "-", and a
 * cut never splits a UTF-8 sequence. */
void table_cell(char *buf, size_t size, const char *s);

/* Terminal columns, not bytes: UTF-8 continuation bytes take none. */
size_t table_width(const char *s);

/* One line of n cells, each padded to w[i] plus two blanks.  Padding is
 * written only before a cell that follows, so no line ends in blanks;
 * an empty cell takes its width and writes nothing. */
void table_line(FILE *out, const char *const *v, const size_t *w, size_t n);
