; Rust references.
(call_expression function: (identifier) @reference.call)
(call_expression function: (field_expression value: (_) @scope field: (field_identifier) @reference.call))
(call_expression function: (scoped_identifier path: (_) @scope name: (identifier) @reference.call))
(call_expression function: (generic_function function: (identifier) @reference.call))
(call_expression function: (generic_function function: (scoped_identifier path: (_) @scope name: (identifier) @reference.call)))
(macro_invocation macro: (identifier) @reference.call)
(struct_expression name: (type_identifier) @reference.new)
(struct_expression name: (scoped_type_identifier path: (_) @scope name: (type_identifier) @reference.new))

; types named in signatures, fields and bodies
(parameter type: (type_identifier) @reference.type)
(function_item return_type: (type_identifier) @reference.type)
(field_declaration type: (type_identifier) @reference.type)
(generic_type type: (type_identifier) @reference.type)
(type_arguments (type_identifier) @reference.type)
(reference_type type: (type_identifier) @reference.type)
(let_declaration type: (type_identifier) @reference.type)

; trait implementations
(impl_item trait: (type_identifier) @reference.implements)
(impl_item trait: (scoped_type_identifier name: (type_identifier) @reference.implements))
(impl_item trait: (generic_type type: (type_identifier) @reference.implements))

; use declarations (an alias is the import's @scope: the name the file
; uses; a glob's path is its reference, its module ends in ::*)
(use_declaration argument: (scoped_identifier) @reference.import) @import
(use_declaration argument: (identifier) @reference.import) @import
(use_declaration argument: (use_as_clause path: (_) @reference.import alias: (identifier) @scope)) @import
(use_declaration argument: (scoped_use_list path: (_) @module list: (use_list [(identifier) (scoped_identifier)] @reference.import))) @import
(use_declaration argument: (scoped_use_list path: (_) @module list: (use_list (use_as_clause path: (_) @reference.import alias: (identifier) @scope)))) @import
(use_declaration argument: (use_wildcard) @import) @import
(use_declaration argument: (use_wildcard [(identifier) (scoped_identifier)] @reference.import)) @import

; receiver bindings (extract_refs.c): let x: T, x: T parameters and fields,
; let x = T::new(..) / T::default() / T { .. }
(let_declaration pattern: (identifier) @binding.var type: (_) @binding.type)
((let_declaration pattern: (identifier) @binding.var
   value: (call_expression function: (scoped_identifier path: (_) @binding.new name: (identifier) @_ctor)))
 (#any-of? @_ctor "new" "default"))
(let_declaration pattern: (identifier) @binding.var value: (struct_expression name: (_) @binding.new))
(let_declaration pattern: (identifier) @binding.var value: (call_expression function: (identifier) @binding.call))
(parameter pattern: (identifier) @binding.var type: (_) @binding.type)
(field_declaration name: (field_identifier) @binding.var type: (_) @binding.type)
