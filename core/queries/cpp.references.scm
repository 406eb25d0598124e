; C++ references. Patterns on one node type are one pattern with
; alternatives where their captures allow (a pattern with a predicate stays
; alone): tree-sitter's query compiler analyses each pattern's parent node
; against the whole parse table, once per pattern.
(call_expression function: [
  (identifier) @reference.call
  (field_expression argument: (this) @scope field: (field_identifier) @reference.call)
  ; a::f(), A::m(), std::make_unique<T>() (the engine splits at the last ::)
  (qualified_identifier) @reference.call
  (field_expression argument: (_) @scope field: (template_method name: (field_identifier) @reference.call))])
(call_expression function: (field_expression argument: (_) @scope field: (field_identifier) @reference.call)
  (#not-eq? @scope "this"))
(call_expression function: (template_function name: (identifier) @reference.call)
  (#not-any-of? @reference.call "static_cast" "dynamic_cast" "const_cast" "reinterpret_cast"))

; new T(), new a::T(), new Box<int>(); T{...}
(new_expression type: [(type_identifier) (qualified_identifier) (template_type)] @reference.new)
(compound_literal_expression type: [(type_identifier) (qualified_identifier) (template_type)] @reference.new)
; A(..) : Base(doc): a base's constructor, when the resolver finds Base
; among the class's bases (a member's initialiser makes no edge)
(field_initializer [(field_identifier) (qualified_identifier)] @reference.new)

; types named in signatures, fields, declarations, casts and template
; arguments; qualified names keep their scope (geo::Shape)
(parameter_declaration type: [(type_identifier) (qualified_identifier)] @reference.type)
(optional_parameter_declaration type: [(type_identifier) (qualified_identifier)] @reference.type)
(function_definition type: [(type_identifier) (qualified_identifier)] @reference.type)
(field_declaration type: [(type_identifier) (qualified_identifier)] @reference.type)
(declaration type: [(type_identifier) (qualified_identifier)] @reference.type)
(type_descriptor type: [(type_identifier) (qualified_identifier)] @reference.type)
(template_type name: (type_identifier) @reference.type)
(type_definition type: [(type_identifier) (qualified_identifier)] @reference.type)
(struct_specifier name: (type_identifier) @reference.type !body)
(class_specifier name: (type_identifier) @reference.type !body)
(enum_specifier name: (type_identifier) @reference.type !body)

; class C : public Base, private ns::Other, Mixin<C>
(base_class_clause [(type_identifier) (qualified_identifier) (template_type)] @reference.extends)

; using a::B; using namespace a;
(using_declaration [(qualified_identifier) (identifier)] @reference.import) @import

; #include "a/b.h" and <vector>
(preproc_include path: [(string_literal) (system_lib_string)] @reference.include) @import

; receiver bindings (extract_refs.c): T x, T *x, T &x (locals, parameters,
; fields), auto x = new T / T(...)
(declaration type: (_) @binding.type declarator: [
  (identifier) @binding.var
  (pointer_declarator declarator: (identifier)) @binding.var
  (reference_declarator (identifier)) @binding.var
  (init_declarator declarator: [(identifier) (pointer_declarator declarator: (identifier)) (reference_declarator (identifier))] @binding.var)
  ; char buf[N]: an argument of type char * (extract_args.c)
  (array_declarator declarator: (identifier) @binding.var)])
(declaration declarator: (init_declarator declarator: [(identifier) (pointer_declarator declarator: (identifier))] @binding.var value: (new_expression type: (_) @binding.new)))
; for (T x : xs), for (auto &x : xs); T x(a) in a block: a variable (a
; function's declaration is never a receiver)
(for_range_loop type: (_) @binding.type declarator: (identifier) @binding.var)
(for_range_loop type: (_) @binding.type declarator: (pointer_declarator declarator: (identifier)) @binding.var)
(for_range_loop type: (_) @binding.type declarator: (reference_declarator (identifier)) @binding.var)
(compound_statement (declaration type: (_) @binding.type declarator: (function_declarator declarator: (identifier) @binding.var)))
(parameter_declaration type: (_) @binding.type declarator: [
  (identifier) @binding.var
  (pointer_declarator declarator: (identifier)) @binding.var
  (reference_declarator (identifier)) @binding.var
  ; char buf[N]: an argument of type char * (extract_args.c)
  (array_declarator declarator: (identifier) @binding.var)])
; (three patterns, not one with the declarator as an alternation: after a
; sibling step an alternation costs tree-sitter's query compiler more than
; the patterns apart, here and in for_range_loop)
(field_declaration type: (_) @binding.type declarator: (field_identifier) @binding.var)
(field_declaration type: (_) @binding.type declarator: (pointer_declarator declarator: (field_identifier)) @binding.var)
(field_declaration type: (_) @binding.type declarator: (reference_declarator (field_identifier)) @binding.var)
