; Go references.
(call_expression function: (identifier) @reference.call)
(call_expression function: (selector_expression operand: (_) @scope field: (field_identifier) @reference.call))
(call_expression function: (parenthesized_expression (identifier) @reference.call))

; composite literals: T{}, pkg.T{}, G[int]{}, &T{}
(composite_literal type: (type_identifier) @reference.new)
(composite_literal type: (qualified_type package: (package_identifier) @scope name: (type_identifier) @reference.new))
(composite_literal type: (generic_type type: (type_identifier) @reference.new))
(composite_literal type: (generic_type type: (qualified_type package: (package_identifier) @scope name: (type_identifier) @reference.new)))

; types named in signatures, fields, variables, conversions and generics;
; predeclared types (int, string, error ...) are left out
([
  (parameter_declaration type: (type_identifier) @reference.type)
  (variadic_parameter_declaration type: (type_identifier) @reference.type)
  (function_declaration result: (type_identifier) @reference.type)
  (method_declaration result: (type_identifier) @reference.type)
  (method_elem result: (type_identifier) @reference.type)
  (field_declaration name: (field_identifier) type: (type_identifier) @reference.type)
  (var_spec type: (type_identifier) @reference.type)
  (pointer_type (type_identifier) @reference.type)
  (slice_type element: (type_identifier) @reference.type)
  (array_type element: (type_identifier) @reference.type)
  (map_type key: (type_identifier) @reference.type)
  (map_type value: (type_identifier) @reference.type)
  (channel_type value: (type_identifier) @reference.type)
  (type_elem (type_identifier) @reference.type)
  (type_conversion_expression type: (type_identifier) @reference.type)
  (type_assertion_expression type: (type_identifier) @reference.type)
  (type_case type: (type_identifier) @reference.type)
  (type_spec type: (type_identifier) @reference.type)
 ]
  (#not-any-of? @reference.type
    "bool" "byte" "complex64" "complex128" "error" "float32" "float64" "int"
      "int8" "int16" "int32" "int64" "rune" "string" "uint" "uint8" "uint16"
      "uint32" "uint64" "uintptr" "any" "comparable"))
(qualified_type package: (package_identifier) @scope name: (type_identifier) @reference.type)

; embedding: a field without a name, an interface listing an interface
(field_declaration !name type: (type_identifier) @reference.extends)
(field_declaration !name type: (pointer_type (type_identifier) @reference.extends))
(field_declaration !name type: (qualified_type package: (package_identifier) @scope name: (type_identifier) @reference.extends))
(field_declaration !name type: (generic_type type: (type_identifier) @reference.extends))
(field_declaration !name type: (pointer_type (generic_type type: (type_identifier) @reference.extends)))
(field_declaration !name type: (pointer_type (qualified_type package: (package_identifier) @scope name: (type_identifier) @reference.extends)))
(interface_type (type_elem . (type_identifier) @reference.extends .))
(interface_type (type_elem . (qualified_type package: (package_identifier) @scope name: (type_identifier) @reference.extends) .))

; imports: the module is the whole path, the name its last element; an
; alias (import x "p") is the qualifier the file calls the package by
; (`_` and `.` name none)
(import_spec !name path: (_) @reference.import)
(import_spec name: [(package_identifier) (dot) (blank_identifier)] @scope
  path: (_) @reference.import)
(import_declaration) @import

; receiver bindings (extract_refs.c): var x T, parameters and receivers,
; struct fields, x := T{}, x := &T{}, x := new(T), x := NewT() and
; x := y.M() (the callee's declared result),
; t, ok := x.(T), for _, x := range xs and range y.f (an element of xs, f)
(var_spec name: (identifier) @binding.var type: (_) @binding.type)
(parameter_declaration name: (identifier) @binding.var type: (_) @binding.type)
(field_declaration name: (field_identifier) @binding.var type: (_) @binding.type)
(short_var_declaration left: (expression_list . (identifier) @binding.var)
  right: (expression_list . (composite_literal type: (_) @binding.new)))
(short_var_declaration left: (expression_list . (identifier) @binding.var)
  right: (expression_list . (unary_expression operand: (composite_literal type: (_) @binding.new))))
(short_var_declaration left: (expression_list . (identifier) @binding.var)
  right: (expression_list . (call_expression function: [(identifier) (selector_expression)] @binding.call))
  (#not-eq? @binding.call "new"))
; x := new(T): the builtin allocates a T
(short_var_declaration left: (expression_list . (identifier) @binding.var)
  right: (expression_list . (call_expression function: (identifier) @_new
    arguments: (argument_list . [(identifier) (type_identifier) (qualified_type)
                                 (selector_expression) (generic_type)] @binding.new .)))
  (#eq? @_new "new"))
(short_var_declaration left: (expression_list . (identifier) @binding.var)
  right: (expression_list . (type_assertion_expression type: (_) @binding.type)))
(range_clause left: (expression_list (_) (identifier) @binding.var .)
  right: [(identifier) (selector_expression)] @binding.type)
