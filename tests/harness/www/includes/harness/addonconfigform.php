<?php
/**
 * HTML of Setup > Addon Modules: the module list and the Configure form with one input per
 * _config field Type (whmcs-reference.md 1.2). Descriptions come from module code and are
 * printed as HTML, as WHMCS does; every value and name is escaped.
 */

namespace Harness;

use WHMCS\Database\Capsule;

final class AddonConfigForm
{
    public static function moduleList(): string
    {
        $rows = '';
        foreach (AddonModules::installed() as $module) {
            $config = AddonModules::config($module);
            $active = AddonModules::isActive($module);
            $buttons = $active
                ? self::actionButton($module, 'deactivate', 'Deactivate', 'btn-danger')
                    . ' <a class="btn btn-default btn-sm" href="configaddonmods.php?configure=' . e(urlencode($module)) . '">Configure</a>'
                : self::actionButton($module, 'activate', 'Activate', 'btn-success');
            $rows .= '<tr id="module-' . e($module) . '">'
                . '<td><strong>' . e($config['name'] ?? $module) . '</strong><br><small>' . ($config['description'] ?? '') . '</small></td>'
                . '<td>' . e($config['version'] ?? '') . '</td>'
                . '<td>' . e($config['author'] ?? '') . '</td>'
                . '<td>' . ($active ? '<span class="label label-success">Active</span>' : '<span class="label label-default">Inactive</span>') . '</td>'
                . '<td class="text-nowrap">' . $buttons . '</td></tr>';
        }
        return '<table class="table table-striped" id="addon-modules"><thead><tr><th>Module</th><th>Version</th>'
            . '<th>Author</th><th>Status</th><th></th></tr></thead><tbody>' . $rows . '</tbody></table>';
    }

    public static function configureForm(string $module): string
    {
        $config = AddonModules::config($module);
        $settings = AddonModules::settings($module);
        $rows = '';
        foreach ((array) ($config['fields'] ?? []) as $key => $field) {
            $rows .= '<tr><td class="fieldlabel"><label for="field-' . e($key) . '">' . e($field['FriendlyName'] ?? $key) . '</label></td>'
                . '<td>' . self::input((string) $key, (array) $field, (string) ($settings[$key] ?? '')) . '</td></tr>';
        }
        $allowed = explode(',', (string) ($settings['access'] ?? ''));
        $roles = '';
        foreach (Capsule::table('tbladminroles')->orderBy('id')->get(['id', 'name']) as $role) {
            $checked = in_array((string) $role->id, $allowed, true) ? ' checked' : '';
            $roles .= '<label class="checkbox-inline"><input type="checkbox" name="access[]" value="' . e($role->id) . '"' . $checked . '> ' . e($role->name) . '</label> ';
        }
        return '<h2>Configure ' . e($config['name'] ?? $module) . '</h2>
<form method="post" action="configaddonmods.php?configure=' . e(urlencode($module)) . '" id="configure-' . e($module) . '">
    <input type="hidden" name="token" value="' . e(harness_csrf_token()) . '">
    <input type="hidden" name="module" value="' . e($module) . '">
    <input type="hidden" name="action" value="save">
    <table class="table form-table">' . $rows . '
        <tr><td class="fieldlabel">Access Control</td><td>' . $roles . '</td></tr>
    </table>
    <button type="submit" class="btn btn-primary">Save Changes</button>
</form>';
    }

    private static function actionButton(string $module, string $action, string $label, string $class): string
    {
        return '<form method="post" action="configaddonmods.php" style="display:inline">'
            . '<input type="hidden" name="token" value="' . e(harness_csrf_token()) . '">'
            . '<input type="hidden" name="module" value="' . e($module) . '">'
            . '<input type="hidden" name="action" value="' . e($action) . '">'
            . '<button type="submit" class="btn btn-sm ' . e($class) . '">' . e($label) . '</button></form>';
    }

    private static function input(string $key, array $field, string $value): string
    {
        $name = 'fields[' . e($key) . ']';
        $id = 'field-' . e($key);
        $description = (string) ($field['Description'] ?? '');
        $size = isset($field['Size']) ? ' size="' . e($field['Size']) . '"' : '';
        switch ($field['Type'] ?? 'text') {
            case 'yesno':
                $checked = $value === 'on' ? ' checked' : '';
                return '<label><input type="checkbox" name="' . $name . '" id="' . $id . '" value="on"' . $checked . '> ' . $description . '</label>';
            case 'password':
                $input = '<input type="password" name="' . $name . '" id="' . $id . '" value="' . e($value) . '"' . $size . ' class="form-control input-inline">';
                break;
            case 'textarea':
                $input = '<textarea name="' . $name . '" id="' . $id . '" rows="' . e($field['Rows'] ?? 3) . '" cols="' . e($field['Cols'] ?? 60) . '" class="form-control">' . e($value) . '</textarea>';
                break;
            case 'dropdown':
                $input = '<select name="' . $name . '" id="' . $id . '" class="form-control select-inline">';
                foreach (self::options($field['Options'] ?? '') as $option => $label) {
                    $selected = (string) $option === $value ? ' selected' : '';
                    $input .= '<option value="' . e($option) . '"' . $selected . '>' . e($label) . '</option>';
                }
                $input .= '</select>';
                break;
            case 'radio':
                $input = '';
                foreach (self::options($field['Options'] ?? '') as $option => $label) {
                    $checked = (string) $option === $value ? ' checked' : '';
                    $input .= '<label class="radio-inline"><input type="radio" name="' . $name . '" value="' . e($option) . '"' . $checked . '> ' . e($label) . '</label> ';
                }
                break;
            default:
                $input = '<input type="text" name="' . $name . '" id="' . $id . '" value="' . e($value) . '"' . $size . ' class="form-control input-inline">';
        }
        return $input . ($description !== '' ? ' <span class="help-block">' . $description . '</span>' : '');
    }

    /** Options is a comma string ("1,2,3") or an array; an associative array maps value => label. */
    private static function options($options): array
    {
        $values = is_array($options) ? $options : array_map('trim', explode(',', (string) $options));
        return is_array($options) && !array_is_list($options) ? $values : array_combine($values, $values);
    }
}
