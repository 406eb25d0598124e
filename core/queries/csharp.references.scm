; C# references. Patterns on one node type are one pattern with
; alternatives where their captures allow: tree-sitter's query compiler
; analyses each pattern's node steps against the whole parse table.
(invocation_expression function: [
  (identifier) @reference.call
  (generic_name (identifier) @reference.call)
  ; o.M(), Type.M(), this.M(), o.M<T>(); `this` is an anonymous token,
  ; which (_) does not match. base.M() is left out: it names the base
  ; class, and the engine cannot tell it from an override of the same name
  ; in the caller's own class.
  (member_access_expression
    expression: [(_) "this"] @scope
    name: [(identifier) @reference.call (generic_name (identifier) @reference.call)])])
; new T(), new A.B(), new List<T>()
(object_creation_expression type: [(identifier) (qualified_name) (generic_name)] @reference.new)

; types named in signatures, fields, locals, casts, generics and attributes
(parameter type: [(identifier) (qualified_name) (generic_name)] @reference.type)
(variable_declaration type: [(identifier) (qualified_name) (generic_name)] @reference.type)
(property_declaration type: [(identifier) (qualified_name) (generic_name)] @reference.type)
(method_declaration returns: [(identifier) (qualified_name) (generic_name)] @reference.type)
(local_function_statement type: [(identifier) (qualified_name) (generic_name)] @reference.type)
(delegate_declaration type: [(identifier) (qualified_name) (generic_name)] @reference.type)
(type_argument_list [(identifier) (qualified_name) (generic_name)] @reference.type)
(array_type type: [(identifier) (qualified_name) (generic_name)] @reference.type)
(nullable_type type: [(identifier) (qualified_name) (generic_name)] @reference.type)
(cast_expression type: [(identifier) (qualified_name) (generic_name)] @reference.type)
(typeof_expression type: [(identifier) (qualified_name) (generic_name)] @reference.type)
(attribute name: (_) @reference.type)

; bases: C# does not mark which base is the class. A class or record lists
; its base class first, then interfaces; struct bases are interfaces;
; interface bases are extended interfaces. Later bases by position (2nd to
; 6th): an unanchored `(_) . X` finds only one of them.
(class_declaration (base_list . [(identifier) (qualified_name) (generic_name)] @reference.extends))
(class_declaration (base_list . (_) . [(identifier) (qualified_name) (generic_name)] @reference.implements))
(class_declaration (base_list . (_) . (_) . [(identifier) (qualified_name) (generic_name)] @reference.implements))
(class_declaration (base_list . (_) . (_) . (_) . [(identifier) (qualified_name) (generic_name)] @reference.implements))
(class_declaration (base_list . (_) . (_) . (_) . (_) . [(identifier) (qualified_name) (generic_name)] @reference.implements))
(class_declaration (base_list . (_) . (_) . (_) . (_) . (_) . [(identifier) (qualified_name) (generic_name)] @reference.implements))
(record_declaration (base_list . [(identifier) (qualified_name) (generic_name)] @reference.extends))
(record_declaration (base_list . (primary_constructor_base_type type: (_) @reference.extends)))
(record_declaration (base_list . (_) . [(identifier) (qualified_name) (generic_name)] @reference.implements))
(record_declaration (base_list . (_) . (_) . [(identifier) (qualified_name) (generic_name)] @reference.implements))
(record_declaration (base_list . (_) . (_) . (_) . [(identifier) (qualified_name) (generic_name)] @reference.implements))
(record_declaration (base_list . (_) . (_) . (_) . (_) . [(identifier) (qualified_name) (generic_name)] @reference.implements))
(record_declaration (base_list . (_) . (_) . (_) . (_) . (_) . [(identifier) (qualified_name) (generic_name)] @reference.implements))
(struct_declaration (base_list [(identifier) (qualified_name) (generic_name)] @reference.implements))
(interface_declaration (base_list [(identifier) (qualified_name) (generic_name)] @reference.extends))

; using A.B; using static A.B (its module ends in .*); using X = A.B (X
; is the import's @scope: the name the file uses)
(using_directive !name [(identifier) (qualified_name)] @reference.import) @import
(using_directive name: (_) @scope [(qualified_name) (identifier) (generic_name)] @reference.import) @import

; receiver bindings (extract_refs.c): T x (locals, fields), parameters,
; properties, var x = new T()
(variable_declaration type: (_) @binding.type (variable_declarator name: (identifier) @binding.var))
(variable_declaration (variable_declarator name: (identifier) @binding.var (object_creation_expression type: (_) @binding.new)))
(parameter type: (_) @binding.type name: (identifier) @binding.var)
(property_declaration type: (_) @binding.type name: (identifier) @binding.var)
