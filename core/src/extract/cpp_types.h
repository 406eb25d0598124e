/* C++ types as the syntax writes them, in one canonical text that the
 * extractor (the types of a call's arguments, extract_args.c) and the
 * resolver (the parameter types of overloads, resolve_types.c) compare:
 * what lets a call choose among overloads of one arity. */
#ifndef PT_EXTRACT_CPP_TYPES_H
#define PT_EXTRACT_CPP_TYPES_H

#include <stddef.h>
#include <stdint.h>

#define PT_CPP_TYPE_MAX 96

/* A type read from its text. text: "[const ]base" then one "*" for each
 * pointer level, "*const" for a const pointer, its own (top-level) const
 * left out ("const char* const" is "const char*"); base is an integer
 * type in one spelling ("unsigned long int" is "unsigned long"), another
 * builtin, or the last segment of a name ("std::size_t" is "size_t"). */
typedef struct pt_cpp_type {
  char text[PT_CPP_TYPE_MAX];
  uint8_t ref;        /* 0 none, 1 an lvalue reference (&), 2 && */
  uint8_t top_const;  /* the object itself is const (what ref binds to) */
  uint8_t is_named;   /* base is a name, not a builtin type */
  uint8_t n_ptr;      /* pointer levels */
} pt_cpp_type;

/* Reads the type written in s[0..n): a parameter ("const char* name = 0",
 * with_name: its name and default value dropped) or a type alone. 1 with
 * *out, or 0 for what it does not read plainly: templates, function
 * pointers, arrays of arrays, auto, several names. */
int pt__cpp_type_read(const char *s, size_t n, int with_name,
                      pt_cpp_type *out);

/* Whether a name is a standard library typedef of an integer or a
 * character string type that overloads tell apart (size_t, int64_t). */
int pt__cpp_std_type(const char *name);

#endif
