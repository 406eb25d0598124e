; PHP references.
; namespace imports: use A\B\C; use A\B\{C, D as E}; use function A\f;
; (an alias is the import's @scope: the name the file uses)
(namespace_use_declaration
  (namespace_use_clause !alias . [(qualified_name) (name)] @reference.import)) @import
(namespace_use_declaration
  (namespace_use_clause . [(qualified_name) (name)] @reference.import alias: (name) @scope)) @import
(namespace_use_declaration
  (namespace_name) @module
  body: (namespace_use_group
    (namespace_use_clause !alias . [(qualified_name) (name)] @reference.import))) @import
(namespace_use_declaration
  (namespace_name) @module
  body: (namespace_use_group
    (namespace_use_clause . [(qualified_name) (name)] @reference.import alias: (name) @scope))) @import

; require 'x.php' and friends with a literal path
(include_expression (string (string_content) @reference.include)) @import
(include_once_expression (string (string_content) @reference.include)) @import
(require_expression (string (string_content) @reference.include)) @import
(require_once_expression (string (string_content) @reference.include)) @import

; inheritance: class extends, interface extends, implements, use Trait;
(class_declaration (base_clause [(name) (qualified_name)] @reference.extends))
(interface_declaration (base_clause [(name) (qualified_name)] @reference.extends))
(class_interface_clause [(name) (qualified_name)] @reference.implements)
(use_declaration [(name) (qualified_name)] @reference.implements)

; construction (not `new self` / `new static`, which name no type)
((object_creation_expression (name) @reference.new)
 (#not-any-of? @reference.new "self" "static" "parent"))
(object_creation_expression (qualified_name) @reference.new)

; calls
(function_call_expression function: [(name) (qualified_name)] @reference.call)
; $obj->m(): the variable's name is the qualifier, so $this reads as `this`
(member_call_expression object: (variable_name (name) @scope) name: (name) @reference.call)
(nullsafe_member_call_expression object: (variable_name (name) @scope) name: (name) @reference.call)
(member_call_expression
  object: [(member_call_expression) (member_access_expression) (parenthesized_expression)
           (function_call_expression) (scoped_call_expression) (subscript_expression)
           (nullsafe_member_call_expression) (nullsafe_member_access_expression)
           (scoped_property_access_expression) (object_creation_expression)] @scope
  name: (name) @reference.call)
(nullsafe_member_call_expression
  object: [(member_call_expression) (member_access_expression) (parenthesized_expression)
           (function_call_expression) (scoped_call_expression) (subscript_expression)
           (nullsafe_member_call_expression) (nullsafe_member_access_expression)
           (scoped_property_access_expression)] @scope
  name: (name) @reference.call)
; A::m(), self::m(), static::m(); parent::m() is left out: the engine reads
; `parent` as the caller's own class and would link overrides to themselves
((scoped_call_expression scope: (_) @scope name: (name) @reference.call)
 (#not-eq? @scope "parent"))

; types in signatures, properties, catch clauses, instanceof, Foo::CONST
((named_type [(name) (qualified_name)] @reference.type)
 (#not-any-of? @reference.type "self" "static" "parent"))
(catch_clause type: (type_list [(named_type (name) @reference.type) (named_type (qualified_name) @reference.type)]))
((binary_expression operator: "instanceof" right: [(name) (qualified_name)] @reference.type))
((class_constant_access_expression . [(name) (qualified_name)] @reference.type)
 (#not-any-of? @reference.type "self" "static" "parent"))

; receiver bindings (extract_refs.c): T $x parameters, typed properties,
; $x = new T(), $this->x = new T()
(simple_parameter type: (_) @binding.type name: (variable_name) @binding.var)
(property_promotion_parameter type: (_) @binding.type name: (variable_name) @binding.var)
(property_declaration type: (_) @binding.type (property_element name: (variable_name) @binding.var))
(assignment_expression left: [(variable_name) (member_access_expression)] @binding.var
  right: (object_creation_expression [(name) (qualified_name)] @binding.new))
