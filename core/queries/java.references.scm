; Java references.
; f(), o.m(), Type.staticM(), this.m(), super.m()
(method_invocation !object name: (identifier) @reference.call)
(method_invocation object: (_) @scope name: (identifier) @reference.call)
; new T(), new Outer.Inner(), new ArrayList<>()
(object_creation_expression
  type: [(type_identifier) (scoped_type_identifier) (generic_type)] @reference.new)
; Type::method
(method_reference . [(type_identifier) (identifier) (scoped_type_identifier)] @scope . (identifier) @reference.call)

; types named in signatures, fields, locals, casts, generics, catch clauses
(formal_parameter type: [(type_identifier) (scoped_type_identifier)] @reference.type)
(spread_parameter [(type_identifier) (scoped_type_identifier)] @reference.type)
(field_declaration type: [(type_identifier) (scoped_type_identifier)] @reference.type)
(local_variable_declaration type: [(type_identifier) (scoped_type_identifier)] @reference.type)
(method_declaration type: [(type_identifier) (scoped_type_identifier)] @reference.type)
(generic_type [(type_identifier) (scoped_type_identifier)] @reference.type)
(type_arguments [(type_identifier) (scoped_type_identifier)] @reference.type)
(array_type element: [(type_identifier) (scoped_type_identifier)] @reference.type)
(cast_expression type: [(type_identifier) (scoped_type_identifier)] @reference.type)
(catch_type [(type_identifier) (scoped_type_identifier)] @reference.type)
(instanceof_expression right: [(type_identifier) (scoped_type_identifier)] @reference.type)
(throws [(type_identifier) (scoped_type_identifier)] @reference.type)
(type_bound [(type_identifier) (scoped_type_identifier)] @reference.type)
; annotations are types too (@Shaped); the everyday java.lang ones
; (@Override ...) are left out
((marker_annotation name: (_) @reference.type)
 (#not-any-of? @reference.type "Override" "Deprecated" "SuppressWarnings"
   "FunctionalInterface" "SafeVarargs"))
((annotation name: (_) @reference.type)
 (#not-any-of? @reference.type "Override" "Deprecated" "SuppressWarnings"
   "FunctionalInterface" "SafeVarargs"))

; class A extends B implements I, J; interface I extends J, K
(superclass [(type_identifier) (scoped_type_identifier) (generic_type)] @reference.extends)
(super_interfaces (type_list [(type_identifier) (scoped_type_identifier) (generic_type)] @reference.implements))
(extends_interfaces (type_list [(type_identifier) (scoped_type_identifier) (generic_type)] @reference.extends))

; import a.b.C; import static a.b.C.m; import a.b.*; (a package: words
; only); import static a.b.C.*; (its module ends in .*)
(import_declaration (scoped_identifier) @reference.import .) @import
(import_declaration (scoped_identifier) (asterisk)) @import
(import_declaration "static" (scoped_identifier) @reference.import (asterisk)) @import

; receiver bindings (extract_refs.c): T x (locals, fields), parameters,
; var x = new T()
(local_variable_declaration type: (_) @binding.type declarator: (variable_declarator name: (identifier) @binding.var))
(local_variable_declaration declarator: (variable_declarator name: (identifier) @binding.var value: (object_creation_expression type: (_) @binding.new)))
(field_declaration type: (_) @binding.type declarator: (variable_declarator name: (identifier) @binding.var))
(formal_parameter type: (_) @binding.type name: (identifier) @binding.var)
