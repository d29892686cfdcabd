; suitcheck installer for Windows (NSIS 3, Modern UI 2), in the spirit of MusicBrainz
; Picard's installer but per user: no administrator rights, nothing outside the user's
; profile, no file associations. packaging/build.py compiles it:
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.2.0 -DFILEVERSION=0.2.0.0 -DPAYLOAD=dist\suitcheck
;            -DOUTFILE=suitcheck-0.2.0-windows-x64-setup.exe -DICON=packaging\icons\suitcheck.ico
;            packaging\windows\suitcheck.nsi
; PAYLOAD is the PyInstaller folder (suitcheck.exe, suitcheck-cli.exe, _internal\).
;
; The user's data is never touched by install or uninstall: the store (suitcheck.db),
; the audit key (audit.key) and the logs (Logs\) live in %LOCALAPPDATA%\suitcheck, apart
; from the program folder %LOCALAPPDATA%\Programs\suitcheck.

!ifndef VERSION | FILEVERSION | PAYLOAD | OUTFILE | ICON
  !error "define VERSION, FILEVERSION, PAYLOAD, OUTFILE and ICON (see the comment at the top)"
!endif

Unicode true
SetCompressor /SOLID lzma
ManifestDPIAware true
RequestExecutionLevel user

!define PRODUCT "suitcheck"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${PRODUCT}"

Name "${PRODUCT} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${PRODUCT} ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${FILEVERSION}"
VIFileVersion "${FILEVERSION}"
VIAddVersionKey /LANG=1033 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileDescription" "${PRODUCT} ${VERSION} installer"
VIAddVersionKey /LANG=1033 "CompanyName" "${PRODUCT}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "${PRODUCT}"

!include "MUI2.nsh"
!include "LogicLib.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\suitcheck.exe"
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!define MUI_FINISHPAGE_TITLE_3LINES
!define MUI_UNPAGE_FINISH_TITLE_3LINES
!insertmacro MUI_UNPAGE_FINISH

!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString DataKept ${LANG_ENGLISH} "suitcheck was removed. Your store, audit key and logs were kept in:$\r$\n$LOCALAPPDATA\suitcheck$\r$\n(suitcheck.db, audit.key, Logs). Back them up or delete them yourself; reinstalling suitcheck uses them again."
LangString DataKept ${LANG_SIMPCHINESE} "suitcheck 已卸载。您的数据库、审计密钥和日志仍保留在：$\r$\n$LOCALAPPDATA\suitcheck$\r$\n（suitcheck.db、audit.key、Logs）。请自行备份或删除；重新安装后会继续使用它们。"
LangString StillRunning ${LANG_ENGLISH} "suitcheck is still running. Close it, then press Retry."
LangString StillRunning ${LANG_SIMPCHINESE} "suitcheck 仍在运行。请先关闭它，然后点击“重试”。"

; A file that cannot be written is never skipped: a skipped suitcheck.exe beside a new
; _internal would be a program of two versions. Retry or cancel only.
AllowSkipFiles off

; Whether suitcheck is running from $INSTDIR: suitcheck.exe (a desk, its report reader) or
; suitcheck-cli.exe (a script, a scheduled export). Windows refuses to open a running
; program's file for writing, and keeps the libraries in its _internal in use: removing
; _internal under it, or replacing only the files not in use, leaves a broken or mixed
; program (and a desk that loses its libraries mid-check). So the installer and the
; uninstaller ask first, before they remove anything; silently (/S) they give up, exit 2.
Var Running
!macro DEFINE_ENSURE_CLOSED UN
Function ${UN}EnsureClosed
  retry:
  StrCpy $Running ""
  ${If} ${FileExists} "$INSTDIR\suitcheck.exe"
    ClearErrors
    FileOpen $0 "$INSTDIR\suitcheck.exe" a
    ${If} ${Errors}
      StrCpy $Running "suitcheck.exe"
    ${Else}
      FileClose $0
    ${EndIf}
  ${EndIf}
  ${If} ${FileExists} "$INSTDIR\suitcheck-cli.exe"
    ClearErrors
    FileOpen $0 "$INSTDIR\suitcheck-cli.exe" a
    ${If} ${Errors}
      StrCpy $Running "$Running suitcheck-cli.exe"
    ${Else}
      FileClose $0
    ${EndIf}
  ${EndIf}
  ${If} $Running != ""
    DetailPrint "in use: $Running"
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(StillRunning)" /SD IDCANCEL IDRETRY retry
    Abort
  ${EndIf}
FunctionEnd
!macroend
!insertmacro DEFINE_ENSURE_CLOSED ""
!insertmacro DEFINE_ENSURE_CLOSED "un."

Section "suitcheck" SecMain
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  Call EnsureClosed
  ; An older version's runtime goes first so no stale library is left beside the new one.
  ; Only the program's own files are removed: never the folder as a whole.
  RMDir /r "$INSTDIR\_internal"
  File "${PAYLOAD}\suitcheck.exe"
  File "${PAYLOAD}\suitcheck-cli.exe"
  File /r "${PAYLOAD}\_internal"

  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\suitcheck.lnk" "$INSTDIR\suitcheck.exe" "" "$INSTDIR\suitcheck.exe" 0 \
    SW_SHOWNORMAL "" "Investor-suitability checks for research reports"

  ; Apps & features entry for this user only (HKCU: no administrator needed).
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "suitcheck"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "suitcheck"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\suitcheck.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ; No file associations: suitcheck opens reports itself, and claims no file type.
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  ; Remove exactly what the installer put down. The data folder is a different folder,
  ; and even an install directory chosen inside it loses only these files.
  Call un.EnsureClosed
  Delete "$INSTDIR\suitcheck.exe"
  Delete "$INSTDIR\suitcheck-cli.exe"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\suitcheck.lnk"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"

  DetailPrint "$(DataKept)"
  MessageBox MB_OK|MB_ICONINFORMATION "$(DataKept)" /SD IDOK
SectionEnd
