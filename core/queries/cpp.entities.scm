; C++ definitions. One function pattern serves free functions, in-class
; methods (field_identifier names; promoted to methods by nesting) and
; out-of-line definitions `A::f` (@scope). Declarators are followed through
; pointer and reference levels (functions returning T* or T&).
; One pattern, its declarator's shapes as alternatives, grouped under as
; few function_declarator steps as they allow: tree-sitter's query compiler
; analyses each node step that has children against the whole parse table.
(function_definition
  declarator: [
    (function_declarator
      declarator: [
        (identifier) @name (field_identifier) @name (destructor_name) @name (operator_name) @name
        ; int (f) (int): a parenthesised declarator (Lua's LUA_API int (lua_gettop))
        (parenthesized_declarator (identifier) @name)
        ; out-of-line A::f, A::~A, A::operator==, a::B::f (the innermost qualifier)
        (qualified_identifier
          scope: (_) @scope
          name: [(identifier) (destructor_name) (operator_name)] @name)
        (qualified_identifier
          name: (qualified_identifier
            scope: (_) @scope
            name: [(identifier) (destructor_name) (operator_name)] @name))])
    (_ (function_declarator
      declarator: [
        (identifier) @name (field_identifier) @name (operator_name) @name
        (qualified_identifier
          scope: (_) @scope
          name: [(identifier) (operator_name)] @name)
        (qualified_identifier
          name: (qualified_identifier
            scope: (_) @scope
            name: [(identifier) (operator_name)] @name))]))
    (_ (_ (function_declarator
      declarator: [(identifier) (field_identifier) (operator_name)] @name)))
  ]) @definition.function

; function-like macros, as in C
(preproc_function_def name: (identifier) @name) @definition.function

; pure virtual members (`virtual R f() = 0;`): the interface of an abstract
; class; other bodiless member declarations are defined elsewhere
(field_declaration
  declarator: [(function_declarator declarator: (field_identifier) @name)
               (_ (function_declarator declarator: (field_identifier) @name))]
  default_value: (number_literal)) @definition.function

(class_specifier name: (type_identifier) @name body: (_)) @definition.class
(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.struct
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum

(namespace_definition name: (namespace_identifier) @name) @definition.namespace
(namespace_definition name: (nested_namespace_specifier) @name) @definition.namespace

; typedef struct { ... } P; an anonymous type named by its typedef
(type_definition
  type: [(struct_specifier !name body: (_)) (union_specifier !name body: (_))]
  declarator: (type_identifier) @name) @definition.struct
(type_definition
  type: (enum_specifier !name body: (_))
  declarator: (type_identifier) @name) @definition.enum
(type_definition
  type: [(class_specifier name: (_) body: (_))
         (struct_specifier name: (_) body: (_))
         (union_specifier name: (_) body: (_))
         (enum_specifier name: (_) body: (_))]
  declarator: (type_identifier) @name @definition.typedef)
(type_definition
  type: [(primitive_type) (sized_type_specifier) (type_identifier)
         (qualified_identifier) (template_type)
         (struct_specifier !body) (class_specifier !body) (enum_specifier !body)]
  declarator: [(type_identifier) @name
               (pointer_declarator declarator: (type_identifier) @name)
               (function_declarator
                 declarator: (parenthesized_declarator
                   (pointer_declarator declarator: (type_identifier) @name)))
               (function_declarator declarator: (type_identifier) @name)]) @definition.typedef
; using Id = unsigned long;
(alias_declaration name: (type_identifier) @name) @definition.typedef
