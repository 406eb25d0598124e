; Swift references.
(import_declaration (identifier) @reference.import) @import

; inheritance clause: a class's first entry is its superclass when it has one
; (a protocol otherwise, which still resolves as Extends); the rest, and every
; entry of a struct, enum, actor or extension, are protocol conformances;
; protocols extend protocols
(class_declaration declaration_kind: "class" name: (_) .
  (inheritance_specifier inherits_from: (user_type) @reference.extends))
(class_declaration declaration_kind: "class" (inheritance_specifier) .
  (inheritance_specifier inherits_from: (user_type) @reference.implements))
(class_declaration declaration_kind: ["struct" "enum" "actor" "extension"]
  (inheritance_specifier inherits_from: (user_type) @reference.implements))
(protocol_declaration (inheritance_specifier inherits_from: (user_type) @reference.extends))

; calls: f(), Type(...) (an initializer call), o.m(), self.m(), Type.m();
; super.m() is left out (the engine reads `super` as the caller's own type)
(call_expression . (simple_identifier) @reference.call)
((call_expression . (navigation_expression
    target: (_) @scope
    suffix: (navigation_suffix suffix: (simple_identifier) @reference.call)))
 (#not-eq? @scope "super"))
(constructor_expression constructed_type: (user_type) @reference.new)

; types in signatures, properties, generics
(parameter (user_type) @reference.type)
(function_declaration (user_type) @reference.type)
(protocol_function_declaration (user_type) @reference.type)
(type_annotation (user_type) @reference.type)
(optional_type (user_type) @reference.type)
(array_type (user_type) @reference.type)
(type_arguments (user_type) @reference.type)
(typealias_declaration value: (user_type) @reference.type)

; receiver bindings (extract_refs.c): let x: T, x: T parameters,
; let x = T(...)
; (one pattern: tree-sitter's query compiler analyses each pattern's node
; steps against the whole parse table)
(property_declaration (pattern (simple_identifier) @binding.var)
  [(type_annotation [(user_type) (optional_type)] @binding.type)
   (call_expression . (simple_identifier) @binding.call)])
(parameter (simple_identifier) @binding.var (user_type) @binding.type)
