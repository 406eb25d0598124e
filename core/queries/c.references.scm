; C references.
(call_expression function: (identifier) @reference.call)
; calls through function pointers in structs: ops->run(), s.cb(); the
; struct is the receiver, so the call never resolves to a function by name
(call_expression function: (field_expression argument: (_) @scope field: (field_identifier) @reference.call))

; types named in signatures, fields, declarations, casts and sizeof
(parameter_declaration type: (type_identifier) @reference.type)
(function_definition type: (type_identifier) @reference.type)
(field_declaration type: (type_identifier) @reference.type)
(declaration type: (type_identifier) @reference.type)
(type_descriptor type: (type_identifier) @reference.type)
(type_definition type: (type_identifier) @reference.type)
; struct node *n, union value v, enum shape_kind k: a mention of a tagged type
(struct_specifier name: (type_identifier) @reference.type !body)
(union_specifier name: (type_identifier) @reference.type !body)
(enum_specifier name: (type_identifier) @reference.type !body)

; #include "a/b.h" and <stdio.h>
(preproc_include path: (string_literal) @reference.include) @import
(preproc_include path: (system_lib_string) @reference.include) @import
